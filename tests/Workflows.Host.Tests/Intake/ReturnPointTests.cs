using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Documents;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Intake;

/// <summary>Location-independent service: the result is returned at another reception point than the receiving one.</summary>
public abstract class ReturnPointTests(DatabaseFixture database)
{
    private const string Centre = "Trung tâm Phục vụ hành chính công tỉnh";
    private const string Ward = "Điểm tiếp nhận phường Bắc Sơn";
    private const string WardAddress = "Trụ sở Ủy ban nhân dân phường Bắc Sơn, số 3 đường Hoàng Diệu";
    private const string Branch = "Chi nhánh số 1";

    private static readonly Lazy<string> Folder = new(Write);

    [Fact]
    public async Task A_result_returned_at_another_point_is_named_on_the_receipt_the_dossier_and_the_timeline()
    {
        await using var app = new WorkflowsApp(database, Folder.Value, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await ReceiveAsync(app, "diem-tn-phuong-bac-son");
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var receipt = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));
        Assert.Equal(Centre, receipt.Field("dossier.receptionPointName"));
        Assert.Equal($"{Ward}, {WardAddress}", receipt.Field("dossier.returnPoint"));

        var dossier = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(("ttpvhcc-tinh", Centre), ((string?)dossier["receptionPoint"], (string?)dossier["receptionPointName"]));
        Assert.Equal(("diem-tn-phuong-bac-son", Ward, WardAddress),
            ((string?)dossier["returnPoint"]!["code"], (string?)dossier["returnPoint"]!["name"], (string?)dossier["returnPoint"]!["address"]));

        var timeline = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;
        Assert.Equal(Ward, (string?)timeline["returnPoint"]!["name"]);
        Assert.Equal(Centre, (string?)timeline["receptionPoint"]!["name"]);
        // The first handover comes from the receiving point, named as the receipt names it, not by its code.
        Assert.Equal(Centre, (string?)timeline["handovers"]![0]!["givingUnit"]!["name"]);
    }

    [Fact]
    public async Task A_result_returned_where_it_was_received_names_the_receiving_point_on_the_receipt()
    {
        await using var app = new WorkflowsApp(database, Folder.Value, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await ReceiveAsync(app, returnPoint: null);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var receipt = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));
        Assert.Equal($"{Centre}, Số 1 đường Trần Hưng Đạo", receipt.Field("dossier.returnPoint"));
        var dossier = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Null(dossier["returnPoint"]);
    }

    [Fact]
    public async Task Intake_refuses_an_unknown_return_point_naming_the_field_and_keeps_nothing()
    {
        await using var app = new WorkflowsApp(database, Folder.Value, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        var body = IntakeTests.Body(externalCode, procedure: DocumentDefinitions.Code);
        body["returnPoint"] = "diem-khong-co";

        var refused = await intake.PostAsJsonAsync("/api/intake/dossiers", body);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("diem-khong-co", (string?)problem["errors"]!["returnPoint"]![0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await intake.GetAsync(new Uri($"/api/intake/dossiers/{externalCode}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_desk_changes_the_return_point_and_the_change_is_in_the_timeline_and_on_the_receipt()
    {
        await using var app = new WorkflowsApp(database, Folder.Value, new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        var code = await ReceiveAsync(app, "diem-tn-phuong-bac-son");
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var unknown = await desk.PutAsJsonAsync($"/api/dossiers/{code}/return-point", new { returnPoint = "diem-khong-co" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.NotNull((await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["returnPoint"]);

        var changed = await desk.PutAsJsonAsync($"/api/dossiers/{code}/return-point", new { returnPoint = "chi-nhanh-so-1", note = "Công dân đề nghị nhận tại chi nhánh" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var receipt = Html.Parse(await desk.GetStringAsync(new Uri($"/api/dossiers/{code}/documents/01", UriKind.Relative)));
        Assert.Equal(Branch, receipt.Field("dossier.returnPoint"));
        var timeline = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;
        Assert.Equal(Branch, (string?)timeline["returnPoint"]!["name"]);
        var change = Assert.Single(timeline["events"]!.AsArray(), e => (string?)e!["kind"] == "returnPointChanged")!;
        Assert.Equal(($"{Ward} → {Branch}", "canbo.motcua", "Công dân đề nghị nhận tại chi nhánh"),
            ((string?)change["detail"], (string?)change["actor"], (string?)change["note"]));

        // Back to the receiving point: no other point any more.
        var back = await desk.PutAsJsonAsync($"/api/dossiers/{code}/return-point", new { returnPoint = (string?)null });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Null((await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!["returnPoint"]);
    }

    private static async Task<string> ReceiveAsync(WorkflowsApp app, string? returnPoint)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var body = IntakeTests.Body(IntakeTests.NewExternalCode(), procedure: DocumentDefinitions.Code);
        if (returnPoint is not null)
        {
            body["returnPoint"] = returnPoint;
        }

        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
    }

    // The printed-forms test folder plus a reception-point directory with addresses.
    private static string Write()
    {
        var folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", "return-point-definitions-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(DocumentDefinitions.Path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(DocumentDefinitions.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Path.Combine(folder, "reception-points.json"), $$"""
            {
              "receptionPoints": [
                { "code": "ttpvhcc-tinh", "name": "{{Centre}}", "address": "Số 1 đường Trần Hưng Đạo", "kind": "centre", "departments": ["one-stop-desk"] },
                { "code": "chi-nhanh-so-1", "name": "{{Branch}}", "kind": "branch", "parent": "ttpvhcc-tinh", "departments": ["one-stop-desk"] },
                { "code": "diem-tn-phuong-bac-son", "name": "{{Ward}}", "address": "{{WardAddress}}", "kind": "point", "parent": "chi-nhanh-so-1", "departments": ["one-stop-desk"] }
              ]
            }
            """);
        return folder;
    }
}

public sealed class SqliteReturnPointTests(SqliteDatabase database) : ReturnPointTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReturnPointTests(PostgresDatabase database) : ReturnPointTests(database), IClassFixture<PostgresDatabase>;
