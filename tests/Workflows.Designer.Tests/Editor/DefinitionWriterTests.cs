using System.Text.Json.Nodes;
using Workflows.Designer.Editor.Model;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class DefinitionWriterTests
{
    public static TheoryData<string> Files() => SampleProcedures.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Loading_a_sample_file_and_saving_it_without_edits_gives_the_same_json(string file)
    {
        var text = File.ReadAllText(Path.Combine(SampleProcedures.Folder, file));
        var original = (JsonObject)JsonNode.Parse(text)!;
        var session = new EditorSession(DefinitionJson.Parse(text).Definition!, original);

        var saved = JsonNode.Parse(session.ToJson());

        Assert.True(JsonNode.DeepEquals(original, saved), $"{file} changed:\n{saved}");
    }

    [Fact]
    public void A_new_step_is_written_without_its_default_values()
    {
        var session = new EditorSession(SampleProcedures.ByCode(), SampleProcedures.JsonOf());
        session.Execute(EditorCommands.AddStep("review", "urban-management", "check"));

        var saved = JsonNode.Parse(session.ToJson())!;
        var step = saved["flowchart"]!["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == "check")!.AsObject();

        Assert.False(step.ContainsKey("outcomes"));
        Assert.False(step.ContainsKey("forwardTo"));
        Assert.Equal("urban-management", step["department"]!.GetValue<string>());
        Assert.True(DefinitionJson.Parse(saved.ToJsonString()).Succeeded);
    }
}
