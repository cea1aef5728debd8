using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Definitions;

/// <summary>The layout section: kept by the file format and the schema, ignored by validation and execution.</summary>
public sealed class DefinitionLayoutTests
{
    private const string Layout = """
        { "lanes": [ "one-stop-desk", "construction" ],
          "nodes": { "start": { "x": 0, "y": 0 }, "receive": { "x": 120.5, "y": 40 }, "gone": { "x": -10, "y": 1e3 } } }
        """;

    [Fact]
    public void A_layout_is_read_and_written_back_unchanged()
    {
        var file = Procedure();
        file["layout"] = JsonNode.Parse(Layout);

        var loaded = DefinitionJson.Parse(file.ToJsonString());
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems));
        var layout = loaded.Definition!.Layout!;
        Assert.Equal(["one-stop-desk", "construction"], layout.Lanes);
        Assert.Equal(new NodePosition(120.5, 40), layout.Nodes["receive"]);

        var written = JsonNode.Parse(DefinitionJson.Serialize(loaded.Definition))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Layout), written["layout"]), written["layout"]!.ToJsonString());
    }

    [Fact]
    public void Positions_of_unknown_nodes_never_make_a_validation_problem_and_can_be_dropped()
    {
        var file = Procedure();
        file["layout"] = JsonNode.Parse(Layout);
        var definition = DefinitionJson.Parse(file.ToJsonString()).Definition!;

        Assert.Empty(DefinitionValidator.Validate(definition, new ValidationContext(null, null, null)));
        var kept = definition.Layout!.WithoutUnknownNodes(definition.Flowchart);
        Assert.Equal(["receive", "start"], kept.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(definition.Layout.Lanes, kept.Lanes);
    }

    [Fact]
    public async Task The_schema_accepts_a_layout_and_refuses_a_position_without_y()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(DefinitionsFolder(), "procedure.schema.json"));
        var file = Procedure();
        file["$schema"] = "../procedure.schema.json";
        file["layout"] = JsonNode.Parse(Layout);
        Assert.Empty(schema.Validate(file.ToJsonString()));

        file["layout"]!["nodes"]!["receive"] = JsonNode.Parse("""{ "x": 1 }""");
        Assert.NotEmpty(schema.Validate(file.ToJsonString()));
        // The engine refuses it as well: x and y are both required.
        Assert.False(DefinitionJson.Parse(file.ToJsonString()).Succeeded);
    }

    [Fact]
    public async Task The_reception_points_file_matches_its_schema_and_names_known_parents_and_departments()
    {
        var folder = DefinitionsFolder();
        var schema = await JsonSchema.FromFileAsync(Path.Combine(folder, "reception-points.schema.json"));
        var json = await File.ReadAllTextAsync(Path.Combine(folder, "reception-points.json"));
        Assert.Empty(schema.Validate(json));

        var points = JsonNode.Parse(json)!["receptionPoints"]!.AsArray();
        var codes = points.Select(p => (string)p!["code"]!).ToHashSet(StringComparer.Ordinal);
        using var departments = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "departments.json")));
        var departmentIds = departments.RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(points.Count, codes.Count);
        Assert.Contains("ttpvhcc-tinh", codes);
        Assert.Equal((1, 3, 6), (Count("centre"), Count("branch"), Count("point")));
        Assert.All(points, p => Assert.True(p!["parent"] is null || codes.Contains((string)p["parent"]!), $"{p["code"]}: unknown parent"));
        Assert.All(points.SelectMany(p => p!["departments"]!.AsArray()), d => Assert.Contains((string?)d, departmentIds));

        int Count(string kind) => points.Count(p => (string?)p!["kind"] == kind);
    }

    private static JsonObject Procedure() => JsonNode.Parse("""
        {
          "code": "LAYOUT.1",
          "name": "Thủ tục thử bố cục",
          "legalTimeLimit": { "value": 5, "unit": "workingDays" },
          "committedTimeLimit": { "value": 5, "unit": "workingDays" },
          "flowchart": {
            "nodes": [
              { "type": "Start", "id": "start" },
              { "type": "Step", "id": "receive", "name": "Tiếp nhận", "department": "one-stop-desk", "allottedTime": { "value": 1, "unit": "workingDays" } },
              { "type": "End", "id": "done" }
            ],
            "connections": [ { "from": "start", "to": "receive" }, { "from": "receive", "to": "done", "outcome": "approved" } ]
          }
        }
        """)!.AsObject();

    private static string DefinitionsFolder()
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
