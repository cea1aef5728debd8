using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Definitions;

/// <summary>What the Designer needs of the definitions API: layout, drafts edited by two people, field-level diffs, the catalogue, reception points.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the app through IAsyncLifetime.DisposeAsync.")]
public abstract class DesignerApiTests(DatabaseFixture database) : IAsyncLifetime
{
    private WorkflowsApp app = null!;
    private HttpClient designer = null!;

    public Task InitializeAsync()
    {
        app = new WorkflowsApp(database);
        designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        designer.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_layout_survives_import_and_export_and_positions_of_unknown_nodes_are_dropped()
    {
        var procedure = Procedure("LAY.0001");
        procedure["layout"] = JsonNode.Parse("""
            { "lanes": [ "one-stop-desk", "construction" ],
              "nodes": { "start": { "x": 20, "y": 40 }, "receive": { "x": 120.5, "y": 40 }, "review": { "x": 320, "y": 180 },
                         "deleted-step": { "x": 999, "y": 999 } } }
            """);

        var created = await designer.PostAsync(Url("/api/definitions/import"), Body(procedure));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await designer.PostAsync(Url("/api/definitions/LAY.0001/draft/publish"), null)).StatusCode);

        var exported = JsonNode.Parse(await designer.GetStringAsync(Url("/api/definitions/LAY.0001/versions/1/export")))!;
        var expected = JsonNode.Parse("""
            { "lanes": [ "one-stop-desk", "construction" ],
              "nodes": { "start": { "x": 20, "y": 40 }, "receive": { "x": 120.5, "y": 40 }, "review": { "x": 320, "y": 180 } } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, exported["layout"]), exported["layout"]?.ToJsonString());

        // Exported, imported again as the next draft: the layout comes back exactly as it left.
        var again = await designer.PostAsync(Url("/api/definitions/import"), Body(exported));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var draft = await JsonAsync(again);
        Assert.True(JsonNode.DeepEquals(expected, draft["definition"]!["layout"]), draft["definition"]!["layout"]?.ToJsonString());
    }

    [Fact]
    public async Task Moving_nodes_only_is_a_layout_change_not_a_changed_node()
    {
        var first = Procedure("LAY.0002");
        first["layout"] = JsonNode.Parse("""{ "lanes": [ "one-stop-desk" ], "nodes": { "receive": { "x": 100, "y": 40 } } }""");
        await CreateAndPublishAsync(first);
        var second = Procedure("LAY.0002");
        second["layout"] = JsonNode.Parse("""{ "lanes": [ "construction", "one-stop-desk" ], "nodes": { "receive": { "x": 300, "y": 60 } } }""");
        await CreateAndPublishAsync(second);

        var diff = await JsonAsync(await designer.GetAsync(Url("/api/definitions/LAY.0002/diff?from=1&to=2")));

        Assert.True((bool?)diff["layoutChanged"]);
        Assert.Empty(diff["nodesChanged"]!.AsArray());
        Assert.Empty(diff["metadataChanges"]!.AsArray());
    }

    [Fact]
    public async Task The_second_designer_saving_a_stale_draft_gets_412_naming_the_first_and_nothing_is_lost()
    {
        using var administrator = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var created = await designer.PostAsync(Url("/api/definitions"), Body(Procedure("ETAG.0001")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draftUrl = Url("/api/definitions/ETAG.0001/versions/1");

        // Both open the draft and get the same ETag.
        var designerRead = await designer.GetAsync(draftUrl);
        var administratorRead = await administrator.GetAsync(draftUrl);
        var etag = designerRead.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal(etag, administratorRead.Headers.ETag);

        // The designer saves first.
        var mine = Procedure("ETAG.0001");
        mine["name"] = "Bản của người thiết kế";
        var saved = await PutDraftAsync(designer, "ETAG.0001", mine, etag);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotEqual(etag, saved.Headers.ETag);

        // The administrator saves on the ETag read before: 412 naming who saved and when, and the ETag now.
        var theirs = Procedure("ETAG.0001");
        theirs["name"] = "Bản của quản trị viên";
        var refused = await PutDraftAsync(administrator, "ETAG.0001", theirs, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(refused);
        Assert.Equal("thiet.ke", (string?)problem["savedBy"]);
        Assert.NotNull((DateTimeOffset?)problem["savedAt"]);
        Assert.Equal(saved.Headers.ETag!.ToString(), (string?)problem["currentETag"]);
        Assert.Contains("thiet.ke", (string?)problem["detail"], StringComparison.Ordinal);

        // The first save is intact; discarding or publishing on the stale ETag is refused too.
        Assert.Equal("Bản của người thiết kế", (string?)(await JsonAsync(await designer.GetAsync(draftUrl)))["name"]);
        using (var staleDelete = new HttpRequestMessage(HttpMethod.Delete, Url("/api/definitions/ETAG.0001/draft")))
        {
            staleDelete.Headers.IfMatch.Add(etag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await administrator.SendAsync(staleDelete)).StatusCode);
        }

        using (var stalePublish = new HttpRequestMessage(HttpMethod.Post, Url("/api/definitions/ETAG.0001/draft/publish")))
        {
            stalePublish.Headers.IfMatch.Add(etag);
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await administrator.SendAsync(stalePublish)).StatusCode);
        }

        // Keeping theirs knowingly: the ETag from the 412 makes the save succeed, and it is theirs that stays.
        var kept = await PutDraftAsync(administrator, "ETAG.0001", theirs, EntityTagHeaderValue.Parse((string)problem["currentETag"]!));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var current = await designer.GetAsync(draftUrl);
        Assert.Equal("Bản của quản trị viên", (string?)(await JsonAsync(current))["name"]);
        Assert.Equal(kept.Headers.ETag, current.Headers.ETag);

        // Publishing with the current ETag works; without If-Match, machines go on as before.
        using var publish = new HttpRequestMessage(HttpMethod.Post, Url("/api/definitions/ETAG.0001/draft/publish"));
        publish.Headers.IfMatch.Add(kept.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await administrator.SendAsync(publish)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsync(Url("/api/definitions"), Body(Procedure("ETAG.0001")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutDraftAsync(designer, "ETAG.0001", Procedure("ETAG.0001"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await designer.DeleteAsync(Url("/api/definitions/ETAG.0001/draft"))).StatusCode);
    }

    [Fact]
    public async Task The_diff_names_changed_fields_metadata_and_the_longest_path_in_days()
    {
        await CreateAndPublishAsync(Procedure("DIFF.0001"));
        var second = Procedure("DIFF.0001");
        var review = second["flowchart"]!["nodes"]![2]!;
        review["allottedTime"] = JsonNode.Parse("""{ "value": 1, "unit": "workingDays" }""");
        review["name"] = "Thẩm định hồ sơ";
        second["committedTimeLimit"] = JsonNode.Parse("""{ "value": 4, "unit": "workingDays" }""");
        second["fee"] = JsonNode.Parse("""{ "amount": 75000 }""");
        second["documents"] = JsonNode.Parse("""[ { "name": "Đơn đề nghị", "originals": 1 } ]""");
        await CreateAndPublishAsync(second);

        var diff = await JsonAsync(await designer.GetAsync(Url("/api/definitions/DIFF.0001/diff?from=1&to=2")));

        var changed = Assert.Single(diff["nodesChanged"]!.AsArray())!;
        Assert.Equal("review", (string?)changed["id"]);
        var fields = changed["fields"]!.AsArray().ToDictionary(f => (string)f!["field"]!, f => f!);
        Assert.Equal(["allottedTime", "name"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2m, 1m), ((decimal)fields["allottedTime"]["old"]!["value"]!, (decimal)fields["allottedTime"]["new"]!["value"]!));
        Assert.Equal(("Thẩm định", "Thẩm định hồ sơ"), ((string?)fields["name"]["old"], (string?)fields["name"]["new"]));

        var metadata = diff["metadataChanges"]!.AsArray();
        var committed = Assert.Single(metadata, m => (string?)m!["field"] == "committedTimeLimit")!;
        Assert.Equal((5m, 4m), ((decimal)committed["old"]!["value"]!, (decimal)committed["new"]!["value"]!));
        var fee = Assert.Single(metadata, m => (string?)m!["field"] == "fee")!;
        Assert.Null(fee["old"]);
        Assert.Equal(75000m, (decimal)fee["new"]!["amount"]!);
        var document = Assert.Single(metadata, m => (string?)m!["field"] == "documents")!;
        Assert.Equal(("added", "Đơn đề nghị"), ((string?)document["change"], (string?)document["item"]));
        Assert.Equal(3, metadata.Count);

        // 2.5 working days before, 1.5 after: 40 % less.
        Assert.Equal((2.5m, 1.5m, -40m), ((decimal)diff["longestPathDaysBefore"]!, (decimal)diff["longestPathDaysAfter"]!, (decimal)diff["longestPathChangePercent"]!));
        Assert.False((bool?)diff["layoutChanged"]);
        // The fields callers already read are still there.
        Assert.Equal(18.75m, (decimal?)diff["longestPathHoursBefore"]);
        Assert.Empty(diff["nodesAdded"]!.AsArray());
    }

    [Fact]
    public async Task The_catalogue_finds_names_without_diacritics_and_filters_sorts_and_pages()
    {
        var house = Procedure("CAT.0001");
        house["name"] = "Đăng ký thường trú";
        house["field"] = "Đăng ký, quản lý cư trú";
        house["competentBody"] = "Công an xã, phường";
        await CreateAndPublishAsync(house);
        var permit = Procedure("CAT.0002");
        permit["name"] = "Cấp giấy phép xây dựng";
        permit["field"] = "Hoạt động xây dựng";
        permit["flowchart"]!["nodes"]![2]!["department"] = "one-stop-desk";
        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsync(Url("/api/definitions"), Body(permit))).StatusCode);
        await CreateAndPublishAsync(Procedure("CAT.0003"));
        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsync(Url("/api/definitions"), Body(Procedure("CAT.0003")))).StatusCode);

        var found = await JsonAsync(await designer.GetAsync(Url("/api/definitions?search=DANG%20KY")));
        var item = Assert.Single(found["items"]!.AsArray())!;
        Assert.Equal(("CAT.0001", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", "Công an xã, phường"),
            ((string?)item["code"], (string?)item["name"], (string?)item["field"], (string?)item["competentBody"]));
        Assert.Equal(["one-stop-desk", "construction"], item["departments"]!.AsArray().Select(d => (string?)d));
        Assert.Equal((5m, "workingDays"), ((decimal)item["committedTimeLimit"]!["value"]!, (string?)item["committedTimeLimit"]!["unit"]));
        Assert.Equal(("published", 1), ((string?)item["status"], (int?)item["publishedVersion"]));
        Assert.Null((int?)item["draftVersion"]);
        Assert.NotNull((DateTimeOffset?)item["updatedAt"]);

        Assert.Equal(["CAT.0001"], await CodesAsync("/api/definitions?search=cat.&field=%C4%90%C4%83ng%20k%C3%BD%2C%20qu%E1%BA%A3n%20l%C3%BD%20c%C6%B0%20tr%C3%BA"));
        Assert.Equal(["CAT.0001", "CAT.0003"], await CodesAsync("/api/definitions?search=cat.&department=construction"));
        Assert.Equal(["CAT.0002", "CAT.0003"], await CodesAsync("/api/definitions?search=cat.&status=draft"));
        Assert.Equal(["CAT.0003"], await CodesAsync("/api/definitions?search=cat.&status=both"));
        Assert.Equal(["CAT.0003", "CAT.0001"], await CodesAsync("/api/definitions?search=cat.&status=published&sort=-code"));
        // By name without diacritics: Cấp giấy phép…, Đăng ký…, Thủ tục thử….
        Assert.Equal(["CAT.0002", "CAT.0001", "CAT.0003"], await CodesAsync("/api/definitions?search=cat.&sort=name"));
        var both = Assert.Single((await JsonAsync(await designer.GetAsync(Url("/api/definitions?search=cat.0003"))))["items"]!.AsArray())!;
        Assert.Equal(("both", 1, 2), ((string?)both["status"], (int?)both["publishedVersion"], (int?)both["draftVersion"]));

        var page = await JsonAsync(await designer.GetAsync(Url("/api/definitions?search=cat.&sort=code&page=2&pageSize=2")));
        Assert.Equal(3, (int?)page["total"]);
        Assert.Equal(["CAT.0003"], page["items"]!.AsArray().Select(i => (string?)i!["code"]));

        var badSort = await designer.GetAsync(Url("/api/definitions?sort=colour"));
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.NotNull((await JsonAsync(badSort))["errors"]!["sort"]);
        var badStatus = await designer.GetAsync(Url("/api/definitions?status=archived"));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.NotNull((await JsonAsync(badStatus))["errors"]!["status"]);
    }

    [Fact]
    public async Task Reception_points_are_listed_and_intake_refuses_an_unknown_one()
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var points = (await JsonAsync(await intake.GetAsync(Url("/api/reception-points")))).AsArray();
        var centre = Assert.Single(points, p => (string?)p!["code"] == "ttpvhcc-tinh")!;
        Assert.Equal(("Trung tâm Phục vụ hành chính công tỉnh", "centre"), ((string?)centre["name"], (string?)centre["kind"]));
        Assert.Contains(points, p => (string?)p!["kind"] == "point" && (string?)p["parent"] == "chi-nhanh-so-1");
        Assert.Equal(HttpStatusCode.OK, (await designer.GetAsync(Url("/api/reception-points"))).StatusCode);

        var body = Intake.IntakeTests.Body(Intake.IntakeTests.NewExternalCode());
        body["receptionPoint"] = "diem-khong-co";
        var refused = await intake.PostAsJsonAsync("/api/intake/dossiers", body);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = (string?)(await JsonAsync(refused))["errors"]!["receptionPoint"]![0];
        Assert.Contains("diem-khong-co", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_kinds_are_the_engines_with_their_properties_and_outcomes()
    {
        var kinds = (await JsonAsync(await designer.GetAsync(Url("/api/definitions/node-kinds")))).AsArray()
            .ToDictionary(k => (string)k!["type"]!, k => k!);

        Assert.Equal(["Decision", "End", "Fork", "Join", "Notify", "Start", "Step", "SubProcess", "Timer", "Wait"], kinds.Keys.Order(StringComparer.Ordinal));
        var step = kinds["Step"];
        var properties = step["properties"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.Equal((true, "string"), ((bool)properties["department"]["required"]!, (string?)properties["department"]["type"]));
        Assert.Equal((true, "timeLimit"), ((bool)properties["allottedTime"]["required"]!, (string?)properties["allottedTime"]["type"]));
        Assert.Equal((false, "array", "string"), ((bool)properties["forms"]["required"]!, (string?)properties["forms"]["type"], (string?)properties["forms"]["itemType"]));
        Assert.True((bool?)properties["id"]["required"]);
        Assert.True((bool?)step["editableOutcomes"]);
        Assert.Equal(["approved"], step["defaultOutcomes"]!.AsArray().Select(o => (string?)o));
        Assert.Contains("returnToPrevious", step["knownOutcomes"]!.AsArray().Select(o => (string?)o));
        Assert.Equal(["true", "false"], kinds["Decision"]["defaultOutcomes"]!.AsArray().Select(o => (string?)o));
        Assert.False((bool?)kinds["End"]["hasOutgoing"]);
        var mode = kinds["Join"]["properties"]!.AsArray().Single(p => (string?)p!["name"] == "mode")!;
        Assert.Equal(["all", "any"], mode["values"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("all", (string?)mode["default"]);
    }

    [Fact]
    public async Task The_schema_and_the_templates_of_the_definitions_folder_are_served()
    {
        var folder = TestFolders.Write("designer-pickers", """[ { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" } ]""", [], withForms: true);
        var repository = Path.GetDirectoryName(Documents.DocumentDefinitions.RepositoryForms)!;
        File.Copy(Path.Combine(repository, "..", "procedure.schema.json"), Path.Combine(folder, "procedure.schema.json"));
        File.WriteAllText(Path.Combine(folder, "templates", "sms-tiep-nhan.hbs"), "Ho so {{dossierCode}} da duoc tiep nhan.\n");
        File.WriteAllText(Path.Combine(folder, "templates", "email-tra-ket-qua.hbs"), "Kính gửi Ông/Bà {{applicantName}},\n\nHồ sơ đã có kết quả.\n");
        await using var pickers = new WorkflowsApp(database, folder);
        using var client = pickers.ClientWithKey(WorkflowsApp.DesignerKey);

        var schema = await client.GetAsync(Url("/api/definitions/schema"));
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.NotNull((await JsonAsync(schema))["properties"]!["layout"]);

        var templates = (await JsonAsync(await client.GetAsync(Url("/api/templates")))).AsArray();
        Assert.Contains(templates, t => (string?)t!["id"] == "sms-tiep-nhan" && (string?)t["kind"] == "sms");
        Assert.Contains(templates, t => (string?)t!["id"] == "email-tra-ket-qua" && (string?)t["kind"] == "email" && (string?)t["title"] == "Kính gửi Ông/Bà {{applicantName}},");
        Assert.Contains(templates, t => (string?)t!["id"] == "01" && (string?)t["kind"] == "form" && (string?)t["title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
        Assert.DoesNotContain(templates, t => ((string?)t!["id"])!.StartsWith('_'));

        // Without the schema file in the folder: a 404 problem, not a 500.
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync(Url("/api/definitions/schema"))).StatusCode);
    }

    private async Task<IReadOnlyList<string?>> CodesAsync(string path) =>
        [.. (await JsonAsync(await designer.GetAsync(Url(path))))["items"]!.AsArray().Select(i => (string?)i!["code"])];

    private async Task CreateAndPublishAsync(JsonNode procedure)
    {
        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsync(Url("/api/definitions"), Body(procedure))).StatusCode);
        var published = await designer.PostAsync(Url($"/api/definitions/{(string?)procedure["code"]}/draft/publish"), null);
        Assert.True(published.StatusCode == HttpStatusCode.OK, await published.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> PutDraftAsync(HttpClient client, string code, JsonNode procedure, EntityTagHeaderValue? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url($"/api/definitions/{code}/draft")) { Content = Body(procedure) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The sample procedure T.0001 under another code.</summary>
    internal static JsonObject Procedure(string code)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!.AsObject();
        json["code"] = code;
        return json;
    }

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static StringContent Body(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new JsonException("Empty response body.");
}

public sealed class SqliteDesignerApiTests(SqliteDatabase database) : DesignerApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDesignerApiTests(PostgresDatabase database) : DesignerApiTests(database), IClassFixture<PostgresDatabase>;
