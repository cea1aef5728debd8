namespace Workflows.Designer.Tests.Support;

/// <summary>Paths of the repository the tests run from, and of the Host and Designer builds of the same configuration.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the test assembly's own build configuration (bin/&lt;configuration&gt;/net10.0).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ProjectFolder(string project) => Path.Combine(Root, project);

    public static string Assembly(string project) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", project + ".dll");

    /// <summary>Screenshots and traces of the browser tests: TestResults/screenshots under the repository (git-ignored).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("WORKFLOWS_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Root, "TestResults", "screenshots")).FullName;

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Workflows.sln was not found above " + AppContext.BaseDirectory);
    }
}
