using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class ForkJoinTests
{
    private static readonly ProcedureDefinition Consultation = Procedure("T.FORK",
        [Start(), Step("intake"), new ForkNode { Id = "consult" }, Step("commune", "commune", 5), Step("registry", "land-registry", 5), new JoinNode { Id = "joined" }, Step("sign", "leadership"), End()],
        [C("start", "intake"), C("intake", "consult", Outcomes.Approved), C("consult", "commune"), C("consult", "registry"), C("commune", "joined", Outcomes.Approved), C("registry", "joined", Outcomes.Approved), C("joined", "sign"), C("sign", "end", Outcomes.Approved)]);

    [Fact]
    public void A_fork_opens_every_branch_in_parallel()
    {
        var harness = new EngineHarness(null, Consultation);
        var instance = harness.Start(Consultation);

        harness.Complete(instance, "intake");

        Assert.Equal(["commune", "registry"], harness.OpenSteps(instance));
        Assert.Equal(["commune", "land-registry"], harness.Store.OpenTasks(instance.Id).Select(t => t.Opened.Department).Order());
    }

    [Fact]
    public void An_and_join_waits_for_every_activated_branch()
    {
        var harness = new EngineHarness(null, Consultation);
        var instance = harness.Start(Consultation);
        harness.Complete(instance, "intake");

        harness.Complete(instance, "registry");
        Assert.Equal(["commune"], harness.OpenSteps(instance));
        Assert.Single(harness.Reload(instance).Tokens, t => t.NodeId == "joined");

        harness.Complete(instance, "commune");
        Assert.Equal(["sign"], harness.OpenSteps(instance));
        var merged = Assert.Single(harness.Reload(instance).Tokens);
        Assert.Empty(merged.Scopes);
    }

    [Fact]
    public void A_join_after_a_branch_that_was_not_taken_does_not_wait_for_it()
    {
        // Fork: the commune always confirms; the police is consulted only for a foreign applicant.
        var definition = Procedure("T.OPTIONAL",
            [Start(), new ForkNode { Id = "consult" }, Step("commune", "commune", 3), Decision("foreigner", "data.nationality !== 'VN'"), Step("police", "police", 5), new JoinNode { Id = "joined" }, Step("sign", "leadership"), End()],
            [C("start", "consult"), C("consult", "commune"), C("consult", "foreigner"), C("foreigner", "police", "true"), C("foreigner", "joined", "false"), C("commune", "joined", Outcomes.Approved), C("police", "joined", Outcomes.Approved), C("joined", "sign"), C("sign", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);

        var citizen = harness.Start(definition, """{"nationality":"VN"}""");
        Assert.Equal(["commune"], harness.OpenSteps(citizen));
        harness.Complete(citizen, "commune");
        Assert.Equal(["sign"], harness.OpenSteps(citizen));

        var foreigner = harness.Start(definition, """{"nationality":"KR"}""");
        harness.Complete(foreigner, "commune");
        Assert.Equal(["police"], harness.OpenSteps(foreigner));
        harness.Complete(foreigner, "police");
        Assert.Equal(["sign"], harness.OpenSteps(foreigner));
    }

    [Fact]
    public void A_merge_after_a_decision_passes_the_only_branch_taken()
    {
        var definition = Procedure("T.MERGE",
            [Start(), Decision("large", "data.area > 250"), Step("inspect", "urban-management"), Step("desk-check"), new JoinNode { Id = "merge" }, Step("sign", "leadership"), End()],
            [C("start", "large"), C("large", "inspect", "true"), C("large", "desk-check", "false"), C("inspect", "merge", Outcomes.Approved), C("desk-check", "merge", Outcomes.Approved), C("merge", "sign"), C("sign", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition, """{"area":90}""");

        harness.Complete(instance, "desk-check");

        Assert.Equal(["sign"], harness.OpenSteps(instance));
    }

    [Fact]
    public void A_branch_looping_back_before_the_join_keeps_the_join_waiting()
    {
        var definition = Procedure("T.FORKLOOP",
            [Start(), new ForkNode { Id = "fork" }, Step("a", "commune"), Step("b1", "land-registry"), Step("b2", "land-registry", 1, Outcomes.Approved, Outcomes.ReturnToPrevious), new JoinNode { Id = "join" }, End()],
            [C("start", "fork"), C("fork", "a"), C("fork", "b1"), C("b1", "b2", Outcomes.Approved), C("b2", "join", Outcomes.Approved), C("a", "join", Outcomes.Approved), C("join", "end")]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        harness.Complete(instance, "a");
        harness.Complete(instance, "b1");
        harness.Complete(instance, "b2", Outcomes.ReturnToPrevious);
        Assert.Equal(["b1"], harness.OpenSteps(instance));
        harness.Complete(instance, "b1");
        harness.Complete(instance, "b2");

        Assert.Equal(InstanceStatus.Completed, harness.Reload(instance).Status);
    }

    [Fact]
    public void An_any_join_lets_the_first_branch_through_and_cancels_the_others()
    {
        var definition = Procedure("T.RACE",
            [Start(), new ForkNode { Id = "fork" }, Step("fast", "commune"), Step("slow", "police", 5), new JoinNode { Id = "first", Mode = JoinMode.Any }, Step("sign", "leadership"), End()],
            [C("start", "fork"), C("fork", "fast"), C("fork", "slow"), C("fast", "first", Outcomes.Approved), C("slow", "first", Outcomes.Approved), C("first", "sign"), C("sign", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        harness.Complete(instance, "fast");

        Assert.Equal(["sign"], harness.OpenSteps(instance));
        var cancelled = harness.Store.Tasks(instance.Id).Single(t => t.Opened.NodeId == "slow");
        Assert.Equal(TaskCloseReason.Cancelled, cancelled.Closed?.Reason);
        Assert.Single(harness.Reload(instance).Tokens);
    }

    [Fact]
    public void An_end_reached_in_one_branch_closes_the_tasks_of_the_others()
    {
        var definition = Procedure("T.ENDFORK",
            [Start(), new ForkNode { Id = "fork" }, Step("a", "commune", 1, Outcomes.Approved, Outcomes.Rejected), Step("b", "police"), new JoinNode { Id = "join" }, End(), End("refused", EndResult.Refused)],
            [C("start", "fork"), C("fork", "a"), C("fork", "b"), C("a", "join", Outcomes.Approved), C("a", "refused", Outcomes.Rejected), C("b", "join", Outcomes.Approved), C("join", "end")]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        harness.Complete(instance, "a", Outcomes.Rejected);

        instance = harness.Reload(instance);
        Assert.Equal(EndResult.Refused, instance.Result);
        Assert.Empty(harness.OpenSteps(instance));
        Assert.Empty(instance.Bookmarks);
        Assert.Equal(TaskCloseReason.Cancelled, harness.Store.Tasks(instance.Id).Single(t => t.Opened.NodeId == "b").Closed?.Reason);
    }
}
