using Workflows.Designer.Editor.Model;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class ProblemTargetsTests
{
    private readonly ProcedureDefinition definition = SampleProcedures.ByCode();

    [Theory]
    [InlineData("$.flowchart.nodes[5].department", "review", "department", null)]
    [InlineData("$.flowchart.nodes[5].outcomes[1]", "review", "outcomes", null)]
    [InlineData("$.flowchart.nodes[5]", "review", null, null)]
    [InlineData("$.flowchart.connections[6].outcome", "review", "outcomes", null)]
    [InlineData("$.committedTimeLimit", null, null, "committedTimeLimit")]
    [InlineData("$.supplement.deadline.value", null, null, "supplement")]
    [InlineData("$.flowchart.nodes", null, null, null)]
    public void A_problems_path_names_its_node_and_field_or_its_metadata_field(string path, string? node, string? field, string? metadata)
    {
        Assert.Equal(new ProblemTarget(node, field, metadata), ProblemTargets.Of(definition, path));
    }

    [Fact]
    public void The_session_validates_after_every_command()
    {
        var session = new EditorSession(definition, null);
        Assert.Empty(session.Problems);

        session.Execute(EditorCommands.SetDepartment("review", ""));

        var problem = Assert.Single(session.Problems);
        Assert.Equal(new ProblemTarget("review", "department", null), problem.Target);
        Assert.Single(session.ProblemsOfNode("review", "department"));
        session.Stack.Undo();
        Assert.Empty(session.Problems);
    }
}
