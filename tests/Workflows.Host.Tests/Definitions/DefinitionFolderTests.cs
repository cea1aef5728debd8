using Workflows.Host.Definitions;

namespace Workflows.Host.Tests.Definitions;

public sealed class DefinitionFolderTests
{
    [Fact]
    public void Without_configuration_the_definitions_folder_next_to_the_solution_is_used()
    {
        var root = Directory.CreateTempSubdirectory("workflows-root-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "Workflows.sln"), string.Empty);
            Directory.CreateDirectory(Path.Combine(root, "definitions"));
            var contentRoot = Directory.CreateDirectory(Path.Combine(root, "Workflows.Host")).FullName;

            Assert.Equal(Path.Combine(root, "definitions"), DefinitionFolder.Resolve(null, contentRoot));
            Assert.Equal(Path.Combine(contentRoot, "elsewhere"), DefinitionFolder.Resolve("elsewhere", contentRoot));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Without_a_solution_above_it_falls_back_to_definitions_under_the_content_root()
    {
        var contentRoot = Directory.CreateTempSubdirectory("workflows-alone-").FullName;
        try
        {
            Assert.Equal(Path.Combine(contentRoot, "definitions"), DefinitionFolder.Resolve("", contentRoot));
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }
}
