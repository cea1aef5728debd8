using Workflows.Designer.Editor.Diagram;
using Workflows.Designer.Editor.Model;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Tests.Editor;

public sealed class CommandStackTests
{
    private readonly CommandStack stack = new(SampleProcedures.ByCode());

    private ProcedureDefinition Current => stack.Current;

    private StepNode Step(string id) => Current.Flowchart.Nodes.OfType<StepNode>().Single(s => s.Id == id);

    private string[] Rows => [.. Current.Flowchart.Nodes.OfType<StepNode>().Select(s => s.Id)];

    /// <summary>Executes, then checks that undo gives back exactly the state before and redo exactly the state after.</summary>
    private void ExecuteUndoRedo(IEditorCommand command)
    {
        var before = Current;
        Assert.True(stack.Execute(command));
        var after = Current;
        Assert.NotSame(before, after);

        Assert.True(stack.Undo());
        Assert.Same(before, Current);
        Assert.Equal(DefinitionJson.Serialize(before), DefinitionJson.Serialize(Current));
        Assert.True(stack.Redo());
        Assert.Same(after, Current);
    }

    [Fact]
    public void Adding_a_step_after_a_row_puts_it_in_the_sequence_and_undo_removes_it()
    {
        ExecuteUndoRedo(EditorCommands.AddStep("officeApproval", "leadership", "check"));

        Assert.Equal(["intake", "siteInspection", "review", "officeApproval", "check", "signing", "returnResult"], Rows);
        Assert.Equal("leadership", Step("check").Department);
        Assert.Contains(new Connection("officeApproval", "check", "approved"), Current.Flowchart.Connections);
        Assert.Contains(new Connection("check", "signing", "approved"), Current.Flowchart.Connections);
        Assert.DoesNotContain(new Connection("officeApproval", "signing", "approved"), Current.Flowchart.Connections);
        Assert.Equal(16m * 8, FlowchartAnalysis.LongestPathWorkingHours(Current));
    }

    [Fact]
    public void A_new_step_is_named_after_its_row_number_and_keeps_its_id_when_rows_move()
    {
        stack.Execute(EditorCommands.AddStep("officeApproval", "leadership"));
        Assert.Equal(["intake", "siteInspection", "review", "officeApproval", "buoc-5", "signing", "returnResult"], Rows);

        // Another step before it takes row 5 too: buoc-5 is taken, so it gets the next free number, and the first keeps its id.
        stack.Execute(EditorCommands.AddStep("officeApproval", "leadership"));
        stack.Execute(EditorCommands.AddStep(null, "one-stop"));
        Assert.Equal(["buoc-1", "intake", "siteInspection", "review", "officeApproval", "buoc-6", "buoc-5", "signing", "returnResult"], Rows);

        // From the palette, a step takes the number after the last row.
        stack.Execute(EditorCommands.AddNode("Step", 10, 10, "leadership"));
        Assert.Equal("buoc-10", Rows[^1]);
        Assert.Equal(Current.Flowchart.Nodes.Count, Current.Flowchart.Nodes.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public void Removing_a_node_removes_its_connections_and_its_position()
    {
        stack.Execute(EditorCommands.MoveNode("signing", 100, 200));
        ExecuteUndoRedo(EditorCommands.RemoveNodes(["signing"]));

        Assert.DoesNotContain("signing", Rows);
        Assert.DoesNotContain(Current.Flowchart.Connections, c => c.From == "signing" || c.To == "signing");
        Assert.False(Current.Layout!.Nodes.ContainsKey("signing"));
    }

    [Fact]
    public void Moving_a_row_in_a_simple_sequence_rewires_the_flow_to_the_new_order()
    {
        // signing (in: officeApproval, out: approved → notifyResult only) moves above officeApproval.
        ExecuteUndoRedo(EditorCommands.MoveStep("signing", 3));

        Assert.Equal(["intake", "siteInspection", "review", "signing", "officeApproval", "returnResult"], Rows);
        var connections = Current.Flowchart.Connections;
        Assert.Contains(new Connection("review", "signing", "approved"), connections);
        Assert.Contains(new Connection("signing", "officeApproval", "approved"), connections);
        Assert.Contains(new Connection("officeApproval", "notifyResult", "approved"), connections);
        Assert.Empty(DefinitionValidator.Validate(Current));
    }

    [Fact]
    public void Moving_a_row_at_a_branch_only_changes_the_row_order()
    {
        ExecuteUndoRedo(EditorCommands.MoveStep("review", 0));

        Assert.Equal(["review", "intake", "siteInspection", "officeApproval", "signing", "returnResult"], Rows);
        Assert.Equal(SampleProcedures.ByCode().Flowchart.Connections, Current.Flowchart.Connections);
    }

    [Fact]
    public void Editing_each_step_field_is_one_command()
    {
        ExecuteUndoRedo(EditorCommands.RenameNode("review", "Thẩm định hồ sơ"));
        Assert.Equal("Thẩm định hồ sơ", Step("review").Name);
        ExecuteUndoRedo(EditorCommands.SetDepartment("review", "construction"));
        Assert.Equal("construction", Step("review").Department);
        ExecuteUndoRedo(EditorCommands.SetRole("review", "leader"));
        Assert.Equal("leader", Step("review").Role);
        ExecuteUndoRedo(EditorCommands.SetAllottedTime("review", TimeLimit.Hours(4)));
        Assert.Equal(TimeLimit.Hours(4), Step("review").AllottedTime);
        ExecuteUndoRedo(EditorCommands.SetForms("review", ["03", " ", "04"]));
        Assert.Equal(["03", "04"], Step("review").Forms);
    }

    [Fact]
    public void An_edit_that_changes_nothing_is_not_recorded()
    {
        Assert.False(stack.Execute(EditorCommands.SetDepartment("review", "urban-management")));
        Assert.False(stack.Execute(EditorCommands.SetForms("intake", ["01", "02"])));
        Assert.False(stack.CanUndo);
        Assert.False(stack.IsDirty);
    }

    [Fact]
    public void Removing_an_outcome_removes_the_connection_that_left_by_it()
    {
        ExecuteUndoRedo(EditorCommands.SetOutcomes("review", ["approved", "needsSupplement"]));

        Assert.Equal(["approved", "needsSupplement"], Step("review").Outcomes);
        Assert.DoesNotContain(new Connection("review", "notifyRefused", "rejected"), Current.Flowchart.Connections);
    }

    [Theory]
    [InlineData("Start", typeof(StartNode))]
    [InlineData("Step", typeof(StepNode))]
    [InlineData("Decision", typeof(DecisionNode))]
    [InlineData("Fork", typeof(ForkNode))]
    [InlineData("Join", typeof(JoinNode))]
    [InlineData("Wait", typeof(WaitNode))]
    [InlineData("Timer", typeof(TimerNode))]
    [InlineData("Notify", typeof(NotifyNode))]
    [InlineData("SubProcess", typeof(SubProcessNode))]
    [InlineData("End", typeof(EndNode))]
    public void A_node_dropped_from_the_palette_is_added_where_it_was_dropped(string kind, Type type)
    {
        ExecuteUndoRedo(EditorCommands.AddNode(kind, 120, 340, "leadership"));

        var node = Current.Flowchart.Nodes[^1];
        Assert.IsType(type, node);
        Assert.Equal(new NodePosition(120, 340), Current.Layout!.Nodes[node.Id]);
        if (node is StepNode step)
        {
            Assert.Equal("leadership", step.Department);
        }
    }

    [Fact]
    public void Connecting_an_outcome_replaces_where_it_led_and_disconnecting_removes_it()
    {
        ExecuteUndoRedo(EditorCommands.Connect("review", "rejected", "officeApproval"));
        Assert.Contains(new Connection("review", "officeApproval", "rejected"), Current.Flowchart.Connections);
        Assert.DoesNotContain(new Connection("review", "notifyRefused", "rejected"), Current.Flowchart.Connections);

        ExecuteUndoRedo(EditorCommands.Disconnect([EdgeIds.Of(new Connection("review", "officeApproval", "rejected"))]));
        Assert.DoesNotContain(Current.Flowchart.Connections, c => c.From == "review" && c.Outcome == "rejected");
    }

    [Fact]
    public void A_fork_may_start_several_branches()
    {
        stack.Execute(EditorCommands.AddNode("Fork", 0, 0, "", "fork"));
        ExecuteUndoRedo(EditorCommands.Connect("fork", EdgeIds.DefaultPort, "review"));
        ExecuteUndoRedo(EditorCommands.Connect("fork", EdgeIds.DefaultPort, "signing"));

        Assert.Equal(2, Current.Flowchart.Connections.Count(c => c.From == "fork"));
    }

    [Fact]
    public void Moving_a_node_sets_its_layout_position()
    {
        ExecuteUndoRedo(EditorCommands.MoveNode("review", 10.5, 20));

        Assert.Equal(new NodePosition(10.5, 20), Current.Layout!.Nodes["review"]);
    }

    [Fact]
    public void Pasting_copies_nodes_with_new_ids_and_the_connections_among_them()
    {
        stack.Execute(EditorCommands.MoveNode("officeApproval", 100, 100));
        ExecuteUndoRedo(EditorCommands.Paste(["officeApproval", "signing"], 40, 40));

        Assert.Contains("officeApproval-copy", Rows);
        Assert.Contains("signing-copy", Rows);
        Assert.Contains(new Connection("officeApproval-copy", "signing-copy", "approved"), Current.Flowchart.Connections);
        Assert.Equal(new NodePosition(140, 140), Current.Layout!.Nodes["officeApproval-copy"]);
        Assert.Equal(Current.Flowchart.Nodes.Count, Current.Flowchart.Nodes.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public void Removing_a_selection_removes_its_edges_and_nodes_as_one_step()
    {
        ExecuteUndoRedo(EditorCommands.RemoveElements(["notifyRefused"], [EdgeIds.Of(new Connection("review", "officeApproval", "approved"))]));

        Assert.DoesNotContain(Current.Flowchart.Nodes, n => n.Id == "notifyRefused");
        Assert.DoesNotContain(new Connection("review", "officeApproval", "approved"), Current.Flowchart.Connections);
    }

    [Fact]
    public void Editing_metadata_is_one_command()
    {
        ExecuteUndoRedo(EditorCommands.EditMetadata("committedTimeLimit", d => d with { CommittedTimeLimit = TimeLimit.Days(12) }));

        Assert.Equal(TimeLimit.Days(12), Current.CommittedTimeLimit);
    }

    [Fact]
    public void The_editor_is_dirty_until_saved_and_clean_again_when_undone_to_the_saved_state()
    {
        var changes = 0;
        stack.Changed += () => changes++;
        stack.Execute(EditorCommands.RenameNode("review", "A"));
        Assert.True(stack.IsDirty);
        stack.MarkSaved();
        Assert.False(stack.IsDirty);
        stack.Execute(EditorCommands.RenameNode("review", "B"));
        Assert.True(stack.IsDirty);
        stack.Undo();
        Assert.False(stack.IsDirty);
        Assert.Equal("EditName", stack.RedoName);

        // A new edit after undo drops the redo branch.
        stack.Execute(EditorCommands.RenameNode("review", "C"));
        Assert.False(stack.CanRedo);
        Assert.Equal(5, changes);
    }
}
