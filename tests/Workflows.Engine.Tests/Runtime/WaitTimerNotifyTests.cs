using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class WaitTimerNotifyTests
{
    private static readonly ProcedureDefinition TaxThenReturn = Procedure("T.TAX",
        [Start(), new NotifyNode { Id = "tax-notice", Template = "sms-nop-thue", Channel = "sms" }, new WaitNode { Id = "tax", Signal = "taxPaid", PausesClock = true }, Step("handover"), End()],
        [C("start", "tax-notice"), C("tax-notice", "tax"), C("tax", "handover"), C("handover", "end", Outcomes.Approved)]);

    [Fact]
    public void A_notify_node_emits_an_outbox_message_with_its_template_and_channel()
    {
        var harness = new EngineHarness(null, TaxThenReturn);

        var instance = harness.Start(TaxThenReturn);

        var message = Assert.Single(harness.Host.Delivered, m => m.Kind == OutboxKinds.Notify);
        Assert.Equal(instance.Id, message.InstanceId);
        Assert.Equal("sms-nop-thue", (string?)message.Payload["template"]);
        Assert.Equal("sms", (string?)message.Payload["channel"]);
        Assert.Equal("applicant", (string?)message.Payload["recipient"]);
    }

    [Fact]
    public void A_wait_pauses_the_clock_and_resumes_on_the_matching_signal()
    {
        var harness = new EngineHarness(null, TaxThenReturn);
        var instance = harness.Start(TaxThenReturn);
        Assert.Equal(EngineHarness.Monday0800, instance.ClockPausedAt);

        Assert.Equal(RejectionCode.StaleBookmark, harness.Host.Signal(instance.Id, "feePaid")?.Code);
        harness.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Null(harness.Host.Signal(instance.Id, "taxPaid", Data("""{"taxReceipt":"BL-0001"}""")));

        instance = harness.Reload(instance);
        Assert.Null(instance.ClockPausedAt);
        Assert.Equal("BL-0001", (string?)instance.Data["taxReceipt"]);
        Assert.Equal(["handover"], harness.OpenSteps(instance));
        var kinds = harness.JournalKinds(instance).ToList();
        Assert.True(kinds.IndexOf(JournalKind.ClockPaused) < kinds.IndexOf(JournalKind.SignalReceived));
        Assert.Contains(JournalKind.ClockResumed, kinds);
    }

    [Fact]
    public void A_signal_sent_twice_is_applied_once()
    {
        var harness = new EngineHarness(null, TaxThenReturn);
        var instance = harness.Start(TaxThenReturn);

        Assert.Null(harness.Host.Signal(instance.Id, "taxPaid"));
        Assert.Equal(RejectionCode.StaleBookmark, harness.Host.Signal(instance.Id, "taxPaid")?.Code);

        Assert.Single(harness.Store.Journal(instance.Id), j => j.Kind == JournalKind.SignalReceived);
    }

    [Fact]
    public void A_timer_fires_when_due_and_not_before()
    {
        var definition = Procedure("T.TIMER",
            [Start(), new TimerNode { Id = "posting", Name = "Niêm yết công khai", Delay = TimeLimit.Days(2) }, Step("review"), End()],
            [C("start", "posting"), C("posting", "review"), C("review", "end", Outcomes.Approved)]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);
        var timer = Assert.Single(instance.Bookmarks);
        // Two working days from Monday 08:00: Wednesday 08:00.
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 8, 0, 0, TimeSpan.FromHours(7)), timer.DueAt);

        var early = harness.Host.Resume(instance.Id, new ResumeRequest { BookmarkId = timer.Id });
        Assert.Equal(RejectionCode.NotDue, early?.Code);
        harness.Clock.Set(new DateTimeOffset(2026, 3, 4, 7, 59, 0, TimeSpan.FromHours(7)));
        Assert.Equal(0, harness.Host.FireDueTimers(harness.Clock.Now));

        harness.Clock.Set(new DateTimeOffset(2026, 3, 4, 8, 0, 0, TimeSpan.FromHours(7)));
        Assert.Equal(1, harness.Host.FireDueTimers(harness.Clock.Now));
        Assert.Equal(["review"], harness.OpenSteps(instance));
        Assert.Equal(0, harness.Host.FireDueTimers(harness.Clock.Now));
    }

    [Fact]
    public void A_payment_deadline_racing_the_payment_cancels_the_timer_when_paid()
    {
        var definition = PaymentRace();
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        Assert.Null(harness.Host.Signal(instance.Id, "taxPaid", Data("""{"taxPaid":true}""")));

        instance = harness.Reload(instance);
        Assert.Equal(["handover"], harness.OpenSteps(instance));
        Assert.DoesNotContain(instance.Bookmarks, b => b.Kind == BookmarkKind.Timer);
        Assert.Empty(harness.Store.DueTimers(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void A_payment_deadline_that_passes_stops_the_dossier()
    {
        var definition = PaymentRace();
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);

        harness.Clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(1, harness.Host.FireDueTimers(harness.Clock.Now));

        instance = harness.Reload(instance);
        Assert.Equal(EndResult.Stopped, instance.Result);
        Assert.Null(instance.ClockPausedAt);
        Assert.Equal(RejectionCode.InstanceNotRunning, harness.Host.Resume(instance.Id, new ResumeRequest { BookmarkId = Guid.Empty })?.Code);
    }

    // The tax must be paid within 30 calendar days; whichever comes first wins and the other is cancelled.
    private static ProcedureDefinition PaymentRace() => Procedure("T.PAYRACE",
        [Start(), new ForkNode { Id = "race" }, new WaitNode { Id = "tax", Signal = "taxPaid", PausesClock = true }, new TimerNode { Id = "deadline", Delay = new TimeLimit(30, TimeUnit.CalendarDays) },
         new JoinNode { Id = "first", Mode = JoinMode.Any }, Decision("paid", "data.taxPaid === true"), Step("handover"), End(), End("stopped", EndResult.Stopped)],
        [C("start", "race"), C("race", "tax"), C("race", "deadline"), C("tax", "first"), C("deadline", "first"), C("first", "paid"), C("paid", "handover", "true"), C("paid", "stopped", "false"), C("handover", "end", Outcomes.Approved)]);
}
