using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Versions;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Startup;

public abstract class StartupTests(DatabaseFixture database)
{
    [Fact]
    public async Task Start_up_publishes_the_sample_definitions_and_a_restart_adds_no_versions()
    {
        List<(string Code, int Version, string Status)> versions;
        await using (var first = new WorkflowsApp(database))
        {
            versions = await VersionsAsync(first);
            Assert.Contains(("T.0001", 1, ProcedureStatus.Published), versions);
            Assert.Contains(("T.0002", 1, ProcedureStatus.Published), versions);
            Assert.NotNull(first.Services.GetRequiredService<DefinitionRegistry>().Get("T.0001", 1));
        }

        await using var second = new WorkflowsApp(database);
        var after = await VersionsAsync(second);
        Assert.Equal(versions, after);
        Assert.NotNull(second.Services.GetRequiredService<DefinitionRegistry>().Get("T.0002", 1));
    }

    [Fact]
    public async Task A_changed_file_with_a_taken_version_is_published_as_the_next_version()
    {
        var folder = CopyOfSamples();
        try
        {
            await using (var first = new WorkflowsApp(database, folder))
            {
                await VersionsAsync(first);
            }

            var file = Path.Combine(folder, "procedures", "T.0001-thu-tuc-thu.json");
            var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            json["name"] = "Thủ tục thử: cấp giấy phép (sửa đổi)";
            await File.WriteAllTextAsync(file, json.ToJsonString());

            await using var second = new WorkflowsApp(database, folder);
            var versions = await VersionsAsync(second);
            Assert.Contains(("T.0001", 2, ProcedureStatus.Published), versions);
            Assert.Equal("Thủ tục thử: cấp giấy phép (sửa đổi)", second.Services.GetRequiredService<DefinitionRegistry>().Get("T.0001", 2)?.Name);

            await using var third = new WorkflowsApp(database, folder);
            Assert.Equal(versions.Count, (await VersionsAsync(third)).Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Health_is_200_when_the_database_answers()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Healthy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_and_swagger_page_are_served()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/api/definitions", document, StringComparison.Ordinal);
        var page = await client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task The_host_runs_on_the_fixture_provider()
    {
        await using var app = new WorkflowsApp(database);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.Contains(database.Provider == "Postgres" ? "Npgsql" : "Sqlite", db.Database.ProviderName, StringComparison.Ordinal);
        var used = db.Database.GetConnectionString()!;
        if (database.Provider == "Postgres")
        {
            // The fixture's server and database, with Npgsql preparing the statements the Host repeats.
            var expected = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
            var actual = new Npgsql.NpgsqlConnectionStringBuilder(used);
            Assert.Equal((expected.Host, expected.Port, expected.Database), (actual.Host, actual.Port, actual.Database));
            Assert.True(actual.MaxAutoPrepare > 0);
        }
        else
        {
            Assert.Equal(database.ConnectionString, used);
        }
    }

    [Fact]
    public void A_statement_cache_setting_in_the_connection_string_is_kept()
    {
        var given = new Npgsql.NpgsqlConnectionStringBuilder(PersistenceExtensions.WithStatementCache("Host=db;Database=w;Max Auto Prepare=0"));
        var defaulted = new Npgsql.NpgsqlConnectionStringBuilder(PersistenceExtensions.WithStatementCache("Host=db;Database=w"));

        Assert.Equal(0, given.MaxAutoPrepare);
        Assert.True(given.NoResetOnClose);
        Assert.Equal((128, 2, true), (defaulted.MaxAutoPrepare, defaulted.AutoPrepareMinUsages, defaulted.NoResetOnClose));

        var keepsReset = new Npgsql.NpgsqlConnectionStringBuilder(PersistenceExtensions.WithStatementCache("Host=db;Database=w;No Reset On Close=false"));
        Assert.False(keepsReset.NoResetOnClose);
    }

    private static async Task<List<(string Code, int Version, string Status)>> VersionsAsync(WorkflowsApp app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var rows = await db.ProcedureVersions.AsNoTracking().OrderBy(p => p.Code).ThenBy(p => p.Version).ToListAsync();
        return [.. rows.Select(r => (r.Code, r.Version, r.Status))];
    }

    private static string CopyOfSamples()
    {
        var target = Path.Combine(Path.GetTempPath(), "workflows-host-tests", "defs-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(WorkflowsApp.SampleDefinitions, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(WorkflowsApp.SampleDefinitions, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}

public sealed class SqliteStartupTests(SqliteDatabase database) : StartupTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresStartupTests(PostgresDatabase database) : StartupTests(database), IClassFixture<PostgresDatabase>;
