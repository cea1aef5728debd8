using System.Text.Json.Nodes;
using Workflows.Host.Access;

namespace Workflows.Host.Tests.Access;

/// <summary>The development users cover the repository's departments, so every lane of the sample procedures can be walked by someone.</summary>
public sealed class DevelopmentUsersTests
{
    [Fact]
    public void Every_department_of_the_repository_has_a_development_officer()
    {
        var departments = JsonNode.Parse(File.ReadAllText(RepositoryDepartments()))!.AsArray().Select(d => (string)d!["id"]!).ToList();
        var covered = PrincipalSeeder.DevelopmentPrincipals
            .Where(p => p.Roles.Split(',').Contains(Roles.Officer))
            .SelectMany(p => p.Departments.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

        var uncovered = departments.Except(covered, StringComparer.Ordinal).ToList();
        Assert.Empty(uncovered);
    }

    [Fact]
    public void Development_users_have_distinct_names_and_keys()
    {
        var users = PrincipalSeeder.DevelopmentPrincipals;
        Assert.Equal(users.Count, users.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(users.Count, users.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count());
    }

    private static string RepositoryDepartments()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return Path.Combine(dir.FullName, "definitions", "departments.json");
            }
        }

        throw new DirectoryNotFoundException("Workflows.sln not found above the test assembly.");
    }
}
