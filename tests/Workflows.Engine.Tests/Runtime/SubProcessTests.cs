using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class SubProcessTests
{
    private static readonly ProcedureDefinition Residence = Procedure("T.RESIDENCE",
        [Start(), Step("register", "police", 2, Outcomes.Approved, Outcomes.Rejected), End(), End("refused", EndResult.Refused)],
        [C("start", "register"), C("register", "end", Outcomes.Approved), C("register", "refused", Outcomes.Rejected)]);

    private static readonly ProcedureDefinition Birth = Procedure("T.BIRTH",
        [Start(), Step("civil-status", "justice"), new SubProcessNode { Id = "residence", Procedure = "T.RESIDENCE" }, Step("return"), Step("explain"), End(), End("partial", EndResult.Refused)],
        [C("start", "civil-status"), C("civil-status", "residence", Outcomes.Approved), C("residence", "return"), C("residence", "explain", "refused"), C("return", "end", Outcomes.Approved), C("explain", "partial", Outcomes.Approved)]);

    [Fact]
    public void A_sub_process_starts_a_child_instance_in_the_same_changeset()
    {
        var harness = new EngineHarness(null, Residence, Birth);
        var parent = harness.Start(Birth);

        harness.Complete(parent, "civil-status");

        parent = harness.Reload(parent);
        var waiting = Assert.Single(parent.Bookmarks);
        Assert.Equal(BookmarkKind.SubProcess, waiting.Kind);
        var child = harness.Store.Instance(Guid.Parse(waiting.Key!))!;
        Assert.Equal("T.RESIDENCE", child.DefinitionCode);
        Assert.Equal(parent.Id, child.ParentInstanceId);
        Assert.Equal(["register"], harness.OpenSteps(child));
        Assert.Empty(harness.OpenSteps(parent));
    }

    [Fact]
    public void The_parent_resumes_when_the_child_ends()
    {
        var harness = new EngineHarness(null, Residence, Birth);
        var parent = harness.Start(Birth);
        harness.Complete(parent, "civil-status");
        var child = harness.Store.Instance(Guid.Parse(harness.Reload(parent).Bookmarks[0].Key!))!;

        harness.Complete(child, "register");

        Assert.Equal(InstanceStatus.Completed, harness.Reload(child).Status);
        Assert.Equal(["return"], harness.OpenSteps(parent));
        Assert.Equal("issued", harness.Store.Journal(parent.Id).Single(j => j.Kind == JournalKind.SubProcessEnded).Outcome);
    }

    [Fact]
    public void The_child_result_picks_the_parent_connection_for_that_result()
    {
        var harness = new EngineHarness(null, Residence, Birth);
        var parent = harness.Start(Birth);
        harness.Complete(parent, "civil-status");
        var child = harness.Store.Instance(Guid.Parse(harness.Reload(parent).Bookmarks[0].Key!))!;

        harness.Complete(child, "register", Outcomes.Rejected);

        Assert.Equal(["explain"], harness.OpenSteps(parent));
    }

    [Fact]
    public void A_sub_process_naming_an_unpublished_procedure_faults_the_parent()
    {
        var harness = new EngineHarness(null, Birth);
        var parent = harness.Start(Birth);

        harness.Complete(parent, "civil-status");

        parent = harness.Reload(parent);
        Assert.Equal(InstanceStatus.Faulted, parent.Status);
        Assert.Equal("residence", parent.Fault?.NodeId);
        Assert.Contains("T.RESIDENCE", parent.Fault!.Message, StringComparison.Ordinal);
    }
}
