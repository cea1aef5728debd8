namespace Workflows.Engine.Tests.Definitions;

/// <summary>The repository's definitions/ folder, found next to Workflows.sln above the test assembly.</summary>
internal static class RepositoryDefinitions
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Folder => Found.Value;

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                return Path.Combine(folder.FullName, "definitions");
            }
        }

        throw new InvalidOperationException($"No folder containing Workflows.sln above {AppContext.BaseDirectory}.");
    }
}
