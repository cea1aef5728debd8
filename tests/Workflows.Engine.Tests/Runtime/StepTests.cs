using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class StepTests
{
    private static readonly ProcedureDefinition ThreeSteps = Procedure("T.STEPS",
        [Start(), Step("intake", "one-stop-desk", 0.5m), Step("review", "urban-management", 2, Outcomes.Approved, Outcomes.Rejected, Outcomes.ReturnToPrevious), Step("sign", "leadership", 1, Outcomes.Approved, Outcomes.ReturnToPrevious), End("issued"), End("refused", EndResult.Refused)],
        [C("start", "intake"), C("intake", "review", Outcomes.Approved), C("review", "sign", Outcomes.Approved), C("review", "refused", Outcomes.Rejected), C("sign", "issued", Outcomes.Approved)]);

    [Fact]
    public void Starting_opens_the_first_step_for_its_department_with_a_due_time_and_waits()
    {
        var harness = new EngineHarness(null, ThreeSteps);

        var instance = harness.Start(ThreeSteps);

        var task = harness.OpenTask(instance, "intake");
        Assert.Equal("one-stop-desk", task.Opened.Department);
        Assert.Equal(EngineHarness.Monday0800, task.Opened.OpenedAt);
        // Half a working day from Monday 08:00 (morning session) is Monday afternoon at the same offset.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.FromHours(7)), task.Opened.DueAt);
        Assert.Equal(InstanceStatus.Running, instance.Status);
        Assert.Single(instance.Bookmarks, b => b.Kind == BookmarkKind.Task);
    }

    [Theory]
    [InlineData(14, 0, 31, 2)] // before the 15:00 cut-off: the end of that working day
    [InlineData(15, 30, 0, 3)] // after it: the end of the next working day
    public void A_0_day_step_is_due_at_the_end_of_the_working_day_it_opens_in_not_the_moment_it_opens(int hour, int minute, int second, int dueDay)
    {
        var returnResult = Procedure("T.RETURN",
            [Start(), Step("intake", "one-stop-desk", 0.5m), Step("return", "one-stop-desk", 0m), End("issued")],
            [C("start", "intake"), C("intake", "return", Outcomes.Approved), C("return", "issued", Outcomes.Approved)]);
        var harness = new EngineHarness(null, returnResult);
        var instance = harness.Start(returnResult);
        var opened = new DateTimeOffset(2026, 3, 2, hour, minute, second, TimeSpan.FromHours(7));
        harness.Clock.Advance(opened - EngineHarness.Monday0800);

        harness.Complete(instance, "intake");

        var task = harness.OpenTask(instance, "return");
        Assert.Equal(opened, task.Opened.OpenedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, dueDay, 17, 0, 0, TimeSpan.FromHours(7)), task.Opened.DueAt);
    }

    [Fact]
    public void Completing_every_step_ends_the_dossier_issued_and_reports_it()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps);

        harness.Complete(instance, "intake");
        harness.Complete(instance, "review");
        harness.Complete(instance, "sign");

        instance = harness.Reload(instance);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(EndResult.Issued, instance.Result);
        Assert.Empty(instance.Tokens);
        Assert.Empty(instance.Bookmarks);
        Assert.Equal(3, harness.Store.Tasks(instance.Id).Count(t => t.Closed?.Reason == TaskCloseReason.Completed));
        Assert.Contains(harness.Host.Delivered, m => m.Kind == OutboxKinds.InstanceEnded && (string?)m.Payload["result"] == "issued");
        Assert.Equal(JournalKind.Ended, harness.JournalKinds(instance)[^1]);
    }

    [Fact]
    public void A_rejected_outcome_routes_to_the_refusal_end()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps);

        harness.Complete(instance, "intake");
        harness.Complete(instance, "review", Outcomes.Rejected);

        Assert.Equal(EndResult.Refused, harness.Reload(instance).Result);
        Assert.Empty(harness.OpenSteps(instance));
    }

    [Fact]
    public void Returning_to_the_previous_step_reopens_it_and_the_dossier_can_go_forward_again()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps);
        harness.Complete(instance, "intake");
        harness.Complete(instance, "review");

        harness.Complete(instance, "sign", Outcomes.ReturnToPrevious);
        Assert.Equal(["review"], harness.OpenSteps(instance));
        harness.Complete(instance, "review", Outcomes.ReturnToPrevious);
        Assert.Equal(["intake"], harness.OpenSteps(instance));

        harness.Complete(instance, "intake");
        harness.Complete(instance, "review");
        harness.Complete(instance, "sign");
        Assert.Equal(EndResult.Issued, harness.Reload(instance).Result);
        Assert.Equal(2, harness.Store.Journal(instance.Id).Count(j => j.Kind == JournalKind.StepReturned));
    }

    [Fact]
    public void The_reopened_step_records_where_the_dossier_came_from()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps);
        harness.Complete(instance, "intake");
        harness.Complete(instance, "review");

        harness.Complete(instance, "sign", Outcomes.ReturnToPrevious);

        var reopened = harness.OpenTask(instance, "review");
        Assert.Equal("intake", reopened.Opened.PreviousNodeId);
        Assert.Equal("review", harness.Store.Journal(instance.Id).Last(j => j.Kind == JournalKind.StepReturned).Outcome);
    }

    [Fact]
    public void A_return_connection_drawn_in_the_flowchart_is_followed()
    {
        var definition = Procedure("T.LOOP",
            [Start(), Step("prepare"), Step("appraise", "land-registry", 2, Outcomes.Approved, Outcomes.ReturnToPrevious), End()],
            [C("start", "prepare"), C("prepare", "appraise", Outcomes.Approved), C("appraise", "prepare", Outcomes.ReturnToPrevious), C("appraise", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        for (var round = 0; round < 3; round++)
        {
            harness.Complete(instance, "prepare");
            harness.Complete(instance, "appraise", Outcomes.ReturnToPrevious);
        }

        harness.Complete(instance, "prepare");
        harness.Complete(instance, "appraise");
        Assert.Equal(InstanceStatus.Completed, harness.Reload(instance).Status);
        Assert.Equal(8, harness.Store.Tasks(instance.Id).Count);
    }

    [Fact]
    public void Returning_from_the_first_step_is_refused_and_changes_nothing()
    {
        var definition = Procedure("T.FIRST",
            [Start(), Step("intake", "one-stop-desk", 1, Outcomes.Approved, Outcomes.ReturnToPrevious), End()],
            [C("start", "intake"), C("intake", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        var rejection = harness.Host.CompleteTask(harness.OpenTask(instance, "intake").Opened.TaskId, Outcomes.ReturnToPrevious);

        Assert.Equal(RejectionCode.InvalidOutcome, rejection?.Code);
        Assert.Contains("first step", rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(instance.Version, harness.Reload(instance).Version);
        Assert.Equal(["intake"], harness.OpenSteps(instance));
    }

    [Fact]
    public void An_outcome_the_step_does_not_offer_is_refused_and_changes_nothing()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps);
        var task = harness.OpenTask(instance, "intake");

        var rejection = harness.Host.CompleteTask(task.Opened.TaskId, "approvedd");

        Assert.Equal(RejectionCode.InvalidOutcome, rejection?.Code);
        Assert.Contains("approved", rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(instance.Version, harness.Reload(instance).Version);
        Assert.True(harness.OpenTask(instance, "intake").IsOpen);
    }

    [Fact]
    public void Data_given_with_an_outcome_is_merged_into_the_dossier()
    {
        var harness = new EngineHarness(null, ThreeSteps);
        var instance = harness.Start(ThreeSteps, """{"applicant":"Nguyễn Văn An","area":120}""");

        harness.Complete(instance, "intake", data: """{"area":135,"inspected":true}""");

        var data = harness.Reload(instance).Data;
        Assert.Equal("Nguyễn Văn An", (string?)data["applicant"]);
        Assert.Equal(135, (int?)data["area"]);
        Assert.True((bool?)data["inspected"]);
    }

    [Fact]
    public void Requesting_a_supplement_pauses_the_clock_and_reopens_the_same_step_when_it_arrives()
    {
        var definition = Procedure("T.SUPP",
            [Start(), Step("review", "land-registry", 3, Outcomes.Approved, Outcomes.NeedsSupplement), End()],
            [C("start", "review"), C("review", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        harness.Complete(instance, "review", Outcomes.NeedsSupplement);
        instance = harness.Reload(instance);
        Assert.Empty(harness.OpenSteps(instance));
        Assert.Equal(EngineHarness.Monday0800, instance.ClockPausedAt);
        Assert.Single(instance.Bookmarks, b => b.Kind == BookmarkKind.Supplement && b.Key == "supplementReceived");

        harness.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Null(harness.Host.Signal(instance.Id, "supplementReceived"));

        instance = harness.Reload(instance);
        Assert.Null(instance.ClockPausedAt);
        Assert.Equal(["review"], harness.OpenSteps(instance));
        Assert.Equal(EngineHarness.Monday0800.AddDays(2), harness.OpenTask(instance, "review").Opened.OpenedAt);
        Assert.Contains(JournalKind.ClockResumed, harness.JournalKinds(instance));
        harness.Complete(instance, "review");
        Assert.Equal(InstanceStatus.Completed, harness.Reload(instance).Status);
    }
}

public class SupplementDeadlineTests
{
    private static readonly ProcedureDefinition WithDeadline = Flow.Procedure("T.SUPPDL",
        [Flow.Start(), Flow.Step("review", "land-registry", 3, Outcomes.Approved, Outcomes.NeedsSupplement), Flow.End()],
        [Flow.C("start", "review"), Flow.C("review", "end", Outcomes.Approved)]) with
    {
        Supplement = new SupplementPolicy { Clock = SupplementClockPolicy.Pause, Deadline = TimeLimit.Days(5) },
    };

    [Fact]
    public void A_supplement_not_received_by_its_deadline_lapses_the_dossier()
    {
        var harness = new EngineHarness(null, WithDeadline);
        var instance = harness.Start(WithDeadline);
        harness.Complete(instance, "review", Outcomes.NeedsSupplement);
        var lapse = Assert.Single(harness.Reload(instance).Bookmarks, b => b.Kind == BookmarkKind.Timer);
        // Five working days from Monday 2/3 08:00: Monday 9/3 08:00.
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 8, 0, 0, TimeSpan.FromHours(7)), lapse.DueAt);

        harness.Clock.Set(lapse.DueAt!.Value);
        Assert.Equal(1, harness.Host.FireDueTimers(harness.Clock.Now));

        instance = harness.Reload(instance);
        Assert.Equal(EndResult.Stopped, instance.Result);
        Assert.Empty(instance.Bookmarks);
        Assert.Null(instance.ClockPausedAt);
        Assert.Contains("Quá hạn bổ sung", harness.Store.Journal(instance.Id).Single(j => j.Kind == JournalKind.Ended).Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_supplement_received_in_time_cancels_its_deadline()
    {
        var harness = new EngineHarness(null, WithDeadline);
        var instance = harness.Start(WithDeadline);
        harness.Complete(instance, "review", Outcomes.NeedsSupplement);

        Assert.Null(harness.Host.Signal(instance.Id, "supplementReceived"));

        instance = harness.Reload(instance);
        Assert.DoesNotContain(instance.Bookmarks, b => b.Kind == BookmarkKind.Timer);
        Assert.Empty(harness.Store.DueTimers(DateTimeOffset.MaxValue));
        Assert.Equal(["review"], harness.OpenSteps(instance));
    }
}

public class ReopenedStepTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    // Review (3 working days) opens Monday 2/3 08:00, due Thursday 08:00; sent back Tuesday 08:00 with 2 days left;
    // the supplement arrives Friday 6/3 08:00.
    [Theory]
    [InlineData(SupplementClockPolicy.Pause, 10)]
    [InlineData(SupplementClockPolicy.Restart, 11)]
    public void A_step_reopened_after_a_supplement_gets_what_its_clock_policy_leaves(SupplementClockPolicy clock, int dueDay)
    {
        var definition = Flow.Procedure("T.REOPEN",
            [Flow.Start(), Flow.Step("review", "land-registry", 3, Outcomes.Approved, Outcomes.NeedsSupplement), Flow.End()],
            [Flow.C("start", "review"), Flow.C("review", "end", Outcomes.Approved)]) with
        {
            Supplement = new SupplementPolicy { Clock = clock },
        };
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 8, 0, 0, Vietnam), harness.OpenTask(instance, "review").Opened.DueAt);
        harness.Clock.Advance(TimeSpan.FromDays(1));
        harness.Complete(instance, "review", Outcomes.NeedsSupplement);

        harness.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Null(harness.Host.Signal(instance.Id, "supplementReceived"));

        // Pause: the 2 days left, due Tuesday 10/3; restart: 3 days again, due Wednesday 11/3.
        Assert.Equal(new DateTimeOffset(2026, 3, dueDay, 8, 0, 0, Vietnam), harness.OpenTask(harness.Reload(instance), "review").Opened.DueAt);
    }
}

public class TerminateTests
{
    private static readonly ProcedureDefinition Parallel = Flow.Procedure("T.TERM",
        [Flow.Start(), new ForkNode { Id = "fork" }, Flow.Step("a", "commune"), new WaitNode { Id = "tax", Signal = "taxPaid", PausesClock = true }, new JoinNode { Id = "join" }, Flow.End()],
        [Flow.C("start", "fork"), Flow.C("fork", "a"), Flow.C("fork", "tax"), Flow.C("a", "join", Outcomes.Approved), Flow.C("tax", "join"), Flow.C("join", "end")]);

    [Fact]
    public void Withdrawing_closes_every_task_and_wait_and_ends_the_dossier_withdrawn()
    {
        var harness = new EngineHarness(null, Parallel);
        var instance = harness.Start(Parallel);

        var result = harness.Engine.Terminate(Parallel, instance, new TerminateRequest { Result = EndResult.Withdrawn, Actor = "motcua", Reason = "Công dân rút hồ sơ" });
        harness.Store.Commit(result.Changeset!);

        instance = harness.Reload(instance);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(EndResult.Withdrawn, instance.Result);
        Assert.Empty(instance.Bookmarks);
        Assert.Null(instance.ClockPausedAt);
        Assert.Equal(TaskCloseReason.Cancelled, harness.Store.Tasks(instance.Id).Single().Closed?.Reason);
        var ended = harness.Store.Journal(instance.Id).Single(j => j.Kind == JournalKind.Ended);
        Assert.Equal("withdrawn", ended.Outcome);
        Assert.Equal("Công dân rút hồ sơ", ended.Note);
        Assert.Contains(result.Changeset!.Outbox, m => m.Kind == OutboxKinds.InstanceEnded);
    }

    [Fact]
    public void An_ended_dossier_cannot_be_terminated_again()
    {
        var harness = new EngineHarness(null, Parallel);
        var instance = harness.Start(Parallel);
        harness.Store.Commit(harness.Engine.Terminate(Parallel, instance, new TerminateRequest { Result = EndResult.Stopped }).Changeset!);

        var again = harness.Engine.Terminate(Parallel, harness.Reload(instance), new TerminateRequest { Result = EndResult.Withdrawn });

        Assert.Equal(RejectionCode.InstanceNotRunning, again.Rejection?.Code);
    }
}
