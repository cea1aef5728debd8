using Workflows.Engine.Definitions;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class ResumeSafetyTests
{
    private static readonly ProcedureDefinition TwoSteps = Procedure("T.TWO",
        [Start(), Step("intake"), Step("review", "land-registry"), End()],
        [C("start", "intake"), C("intake", "review", Outcomes.Approved), C("review", "end", Outcomes.Approved)]);

    [Fact]
    public void Completing_a_task_twice_applies_it_once()
    {
        var harness = new EngineHarness(null, TwoSteps);
        var instance = harness.Start(TwoSteps);
        var task = harness.OpenTask(instance, "intake");

        Assert.Null(harness.Host.CompleteTask(task.Opened.TaskId, Outcomes.Approved));
        var duplicate = harness.Host.Resume(instance.Id, new ResumeRequest { BookmarkId = task.Opened.TaskId, Outcome = Outcomes.Approved });

        Assert.Equal(RejectionCode.StaleBookmark, duplicate?.Code);
        Assert.Equal(["review"], harness.OpenSteps(instance));
        Assert.Single(harness.Store.Journal(instance.Id), j => j.Kind == JournalKind.StepCompleted);
    }

    [Fact]
    public void Two_resumes_computed_from_the_same_state_commit_once()
    {
        var harness = new EngineHarness(null, TwoSteps);
        var instance = harness.Start(TwoSteps);
        var task = harness.OpenTask(instance, "intake");
        var request = new ResumeRequest { BookmarkId = task.Opened.TaskId, Outcome = Outcomes.Approved };

        var first = harness.Engine.Resume(TwoSteps, instance, request);
        var second = harness.Engine.Resume(TwoSteps, instance, request);
        harness.Store.Commit(first.Changeset!);

        Assert.Throws<ConcurrencyConflictException>(() => harness.Store.Commit(second.Changeset!));
        Assert.Equal(2, harness.Reload(instance).Version);
    }

    [Fact]
    public void The_engine_never_changes_the_instance_it_is_given()
    {
        var harness = new EngineHarness(null, TwoSteps);
        var instance = harness.Start(TwoSteps, """{"area":1}""");
        var before = DefinitionJsonOf(instance);
        var task = harness.OpenTask(instance, "intake");

        var result = harness.Engine.Resume(TwoSteps, instance, new ResumeRequest { BookmarkId = task.Opened.TaskId, Outcome = Outcomes.Approved, Data = Data("""{"area":2}""") });

        Assert.True(result.Accepted);
        Assert.Equal(before, DefinitionJsonOf(instance));
        Assert.Equal(2, (int?)result.Changeset!.Instance.Data["area"]);
    }

    [Fact]
    public void A_resume_with_another_version_of_the_definition_is_refused()
    {
        var harness = new EngineHarness(null, TwoSteps);
        var instance = harness.Start(TwoSteps);
        var task = harness.OpenTask(instance, "intake");

        var result = harness.Engine.Resume(TwoSteps with { Version = 2 }, instance, new ResumeRequest { BookmarkId = task.Opened.TaskId, Outcome = Outcomes.Approved });

        Assert.Equal(RejectionCode.DefinitionMismatch, result.Rejection?.Code);
    }

    [Fact]
    public void Journal_sequence_numbers_increase_without_gaps_across_calls()
    {
        var harness = new EngineHarness(null, TwoSteps);
        var instance = harness.Start(TwoSteps);
        harness.Complete(instance, "intake");
        harness.Complete(instance, "review");

        var sequences = harness.Store.Journal(instance.Id).Select(j => j.Sequence).ToList();

        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    private static string DefinitionJsonOf(WorkflowInstance instance) =>
        $"{instance.Version}|{instance.Data.ToJsonString()}|{instance.Tokens.Count}|{instance.Bookmarks.Count}|{instance.JournalSequence}";
}
