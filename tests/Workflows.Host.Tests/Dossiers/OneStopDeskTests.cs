using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Dossiers;

/// <summary>
/// Which department is the one-stop desk is configuration: the department of kind "desk" in departments.json, whatever
/// its id. Another province names its desk differently, and a department merely called "one-stop-desk" is not one.
/// </summary>
public abstract class OneStopDeskTests(DatabaseFixture database) : IDisposable
{
    private readonly string folder = CopyWithDesk("bo-phan-mot-cua-tinh");

    [Fact]
    public async Task Officers_of_the_department_of_kind_desk_return_results_whatever_its_id()
    {
        await using var app = new WorkflowsApp(database, folder);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        using var desk = await OfficerAsync(app, admin, "bo-phan-mot-cua-tinh");
        using var oldName = await OfficerAsync(app, admin, "one-stop-desk");

        // The desk may return results: an unknown dossier is simply not found.
        var byDesk = await desk.PostAsJsonAsync("/api/dossiers/KHONG-CO/result-returned", new { });
        Assert.Equal(HttpStatusCode.NotFound, byDesk.StatusCode);

        // A department that is not of kind "desk" may not, whatever it is called.
        var byOther = await oldName.PostAsJsonAsync("/api/dossiers/KHONG-CO/result-returned", new { });
        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        GC.SuppressFinalize(this);
    }

    private static async Task<HttpClient> OfficerAsync(WorkflowsApp app, HttpClient admin, string department)
    {
        var created = await admin.PostAsJsonAsync("/api/principals", new
        {
            name = $"canbo-{Guid.NewGuid():N}"[..20],
            roles = new[] { "officer" },
            departments = new[] { department },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return app.ClientWithKey((string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!);
    }

    private static string CopyWithDesk(string deskId)
    {
        var target = Path.Combine(Path.GetTempPath(), "workflows-host-tests", "desk-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(WorkflowsApp.SampleDefinitions, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(WorkflowsApp.SampleDefinitions, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        File.WriteAllText(Path.Combine(target, "departments.json"), $$"""
            [
              { "id": "{{deskId}}", "name": "Bộ phận Một cửa Trung tâm Phục vụ hành chính công tỉnh", "kind": "desk" },
              { "id": "one-stop-desk", "name": "Tổ tiếp nhận (không phải bộ phận một cửa)" },
              { "id": "construction", "name": "Sở Xây dựng" }
            ]
            """);
        return target;
    }
}

public sealed class SqliteOneStopDeskTests(SqliteDatabase database) : OneStopDeskTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresOneStopDeskTests(PostgresDatabase database) : OneStopDeskTests(database), IClassFixture<PostgresDatabase>;
