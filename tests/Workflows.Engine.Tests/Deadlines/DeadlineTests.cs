using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Deadlines;

public class DeadlineTests
{
    private static readonly TimeSpan Vn = TimeSpan.FromHours(7);

    // Tết 2026 (Mon 16/2 to Fri 20/2 off) and 2/9/2025 with 1/9/2025 (Mon, Tue off), given by the test.
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Standard(
        [new(2026, 2, 16), new(2026, 2, 17), new(2026, 2, 18), new(2026, 2, 19), new(2026, 2, 20), new(2025, 9, 1), new(2025, 9, 2)], []);

    private static ProcedureDefinition WithLimit(decimal days, decimal? onlineDays = null) =>
        Procedure("T.APPT", [Start(), End()], [C("start", "end")], committedDays: days) with
        {
            ChannelTimeLimits = onlineDays is { } d ? new Dictionary<Channel, TimeLimit> { [Channel.Online] = TimeLimit.Days(d) } : new Dictionary<Channel, TimeLimit>(),
        };

    private static DateTimeOffset At(int y, int m, int d, int h, int min = 0) => new(y, m, d, h, min, 0, Vn);

    [Fact]
    public void An_appointment_across_tet_skips_the_holiday_week()
    {
        // Received Thu 12/2/2026 10:00, 5 working days: Fri 13, (Tết 16-20), Mon 23, Tue 24, Wed 25, Thu 26 → Thu 26/2 10:00.
        var appointment = AppointmentCalculator.Compute(WithLimit(5), Channel.InPerson, At(2026, 2, 12, 10), Calendar);

        Assert.Equal(At(2026, 2, 26, 10), appointment.Due);
    }

    [Fact]
    public void An_appointment_across_national_day_skips_1_and_2_september()
    {
        // Received Fri 29/8/2025 14:00, 3 working days: Wed 3/9, Thu 4/9, Fri 5/9 → Fri 5/9 14:00.
        var appointment = AppointmentCalculator.Compute(WithLimit(3), Channel.Postal, At(2025, 8, 29, 14), Calendar);

        Assert.Equal(At(2025, 9, 5, 14), appointment.Due);
    }

    [Theory]
    [InlineData(9, 0, 2, 15, 0)]   // 90 min into the morning → 90 min into this afternoon
    [InlineData(14, 0, 3, 8, 0)]   // 30 min into the afternoon → 30 min into the next morning
    public void A_half_day_procedure_returns_in_the_next_session(int hour, int minute, int dueDay, int dueHour, int dueMinute)
    {
        var appointment = AppointmentCalculator.Compute(WithLimit(0.5m), Channel.InPerson, At(2026, 3, 2, hour, minute), Calendar);

        Assert.Equal(At(2026, 3, dueDay, dueHour, dueMinute), appointment.Due);
    }

    [Fact]
    public void A_same_day_procedure_received_before_the_cut_off_is_due_that_evening()
    {
        var appointment = AppointmentCalculator.Compute(WithLimit(0), Channel.InPerson, At(2026, 3, 2, 14, 59), Calendar);

        Assert.Equal(At(2026, 3, 2, 17), appointment.Due);
    }

    [Fact]
    public void A_same_day_procedure_received_after_the_cut_off_is_due_the_next_working_day()
    {
        var appointment = AppointmentCalculator.Compute(WithLimit(0), Channel.InPerson, At(2026, 3, 6, 15, 30), Calendar);

        Assert.Equal(At(2026, 3, 9, 17), appointment.Due);
        Assert.Equal(At(2026, 3, 9, 7, 30), appointment.CountingFrom);
    }

    [Fact]
    public void A_cut_off_for_all_procedures_moves_the_count_to_the_next_morning()
    {
        var appointment = AppointmentCalculator.Compute(WithLimit(1), Channel.InPerson, At(2026, 3, 2, 16), Calendar, new CutOffRule(new TimeOnly(15, 0), CutOffScope.All));

        // Counted from Tue 07:30, one working day ends Tue 17:00 (not "Wed 07:30", the same working instant).
        Assert.Equal(At(2026, 3, 3, 7, 30), appointment.CountingFrom);
        Assert.Equal(At(2026, 3, 3, 17, 0), appointment.Due);
    }

    [Fact]
    public void An_online_dossier_uses_the_online_limit()
    {
        var procedure = WithLimit(10, onlineDays: 8);

        var online = AppointmentCalculator.Compute(procedure, Channel.Online, At(2026, 3, 2, 9), Calendar);
        var inPerson = AppointmentCalculator.Compute(procedure, Channel.InPerson, At(2026, 3, 2, 9), Calendar);

        Assert.Equal(At(2026, 3, 12, 9), online.Due);
        Assert.Equal(At(2026, 3, 16, 9), inPerson.Due);
    }

    [Fact]
    public void Pause_restart_and_excluded_periods_move_the_due_time_differently()
    {
        // 10 working days from Mon 2/3 09:00 → Mon 16/3 09:00. Supplement requested Wed 4/3 09:00, received Mon 9/3 09:00
        // (3 working days); tax period Tue 10/3 09:00 to Thu 12/3 09:00 (2 working days).
        var limit = TimeLimit.Days(10);
        var due = At(2026, 3, 16, 9);
        PausedPeriod[] periods = [new(At(2026, 3, 4, 9), At(2026, 3, 9, 9), "supplementReceived"), new(At(2026, 3, 10, 9), At(2026, 3, 12, 9), "taxPaid")];

        var paused = SupplementClock.Recompute(new SupplementPolicy { Clock = SupplementClockPolicy.Pause }, limit, due, periods, Calendar);
        var restarted = SupplementClock.Recompute(new SupplementPolicy { Clock = SupplementClockPolicy.Restart }, limit, due, periods, Calendar);
        var excluded = SupplementClock.Recompute(new SupplementPolicy { Clock = SupplementClockPolicy.ExcludedPeriods, ExcludedSignals = ["taxPaid"] }, limit, due, periods, Calendar);

        // Pause: 3 + 2 = 5 working days later → Mon 23/3 09:00.
        Assert.Equal(At(2026, 3, 23, 9), paused);
        // Restart: 10 days from Mon 9/3 09:00 → Mon 23/3 09:00, plus the 2-day tax period → Wed 25/3 09:00.
        Assert.Equal(At(2026, 3, 25, 9), restarted);
        // Excluded periods: only the tax period counts → Wed 18/3 09:00.
        Assert.Equal(At(2026, 3, 18, 9), excluded);
    }

    [Fact]
    public void No_pause_leaves_a_due_time_at_the_end_of_the_day_where_it_is()
    {
        var due = At(2026, 3, 6, 17);

        Assert.Equal(due, SupplementClock.Recompute(new SupplementPolicy(), TimeLimit.Days(1), due, [], Calendar));
    }

    [Theory]
    [InlineData(2026, 3, 10, 9, 0, SlaState.Early)]
    [InlineData(2026, 3, 16, 8, 0, SlaState.OnTime)]
    [InlineData(2026, 3, 16, 9, 0, SlaState.OnTime)]
    [InlineData(2026, 3, 16, 9, 1, SlaState.Late)]
    public void A_finished_item_is_early_on_time_or_late(int y, int m, int d, int h, int min, SlaState expected)
    {
        Assert.Equal(expected, Sla.Classify(Calendar, At(2026, 3, 16, 9), At(y, m, d, h, min), At(2026, 3, 20, 9)));
    }

    [Theory]
    [InlineData(2026, 3, 12, 9, SlaState.OnTime)]
    [InlineData(2026, 3, 13, 9, SlaState.DueSoon)]   // Fri 09:00: Mon 09:00 is 1 working day away
    [InlineData(2026, 3, 16, 10, SlaState.Late)]
    public void An_open_item_is_on_time_due_soon_or_late(int y, int m, int d, int h, SlaState expected)
    {
        Assert.Equal(expected, Sla.Classify(Calendar, At(2026, 3, 16, 9), null, At(y, m, d, h)));
    }
}
