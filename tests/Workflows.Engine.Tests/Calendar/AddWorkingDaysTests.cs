using Workflows.Engine.Calendar;
using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

// Reference week: Mon 2/3/2026 to Fri 6/3/2026, then the weekend and Mon 9/3/2026.
public class AddWorkingDaysTests
{
    [Fact]
    public void Adding_one_working_day_in_the_morning_returns_the_next_morning()
    {
        Assert.Equal(At(2026, 3, 4, 9, 0), Standard().AddWorkingDays(At(2026, 3, 3, 9, 0), 1));
    }

    [Fact]
    public void Adding_one_working_day_on_friday_afternoon_lands_on_monday_afternoon()
    {
        Assert.Equal(At(2026, 3, 9, 14, 0), Standard().AddWorkingDays(At(2026, 3, 6, 14, 0), 1));
    }

    [Fact]
    public void A_half_day_received_in_the_morning_ends_the_same_afternoon()
    {
        // 09:00 is 1h30 into the morning, so 1h30 into the afternoon: 15:00.
        Assert.Equal(At(2026, 3, 3, 15, 0), Standard().AddWorkingDays(At(2026, 3, 3, 9, 0), 0.5m));
    }

    [Fact]
    public void A_half_day_received_in_the_afternoon_ends_the_next_working_morning()
    {
        Assert.Equal(At(2026, 3, 4, 8, 0), Standard().AddWorkingDays(At(2026, 3, 3, 14, 0), 0.5m));
    }

    [Fact]
    public void A_half_day_received_on_friday_afternoon_ends_on_monday_morning()
    {
        Assert.Equal(At(2026, 3, 9, 8, 0), Standard().AddWorkingDays(At(2026, 3, 6, 14, 0), 0.5m));
    }

    [Fact]
    public void A_late_morning_offset_is_clamped_to_the_shorter_afternoon()
    {
        // 11:15 is 3h45 into the 4h morning; the afternoon lasts only 3h30, so the result is its end.
        Assert.Equal(At(2026, 3, 3, 17, 0), Standard().AddWorkingDays(At(2026, 3, 3, 11, 15), 0.5m));
    }

    [Fact]
    public void Days_received_before_opening_count_from_the_morning_start()
    {
        // From Tue 07:30, one day ends with Tuesday's last session: 17:00, the same working instant as Wed 07:30.
        Assert.Equal(At(2026, 3, 3, 17, 0), Standard().AddWorkingDays(At(2026, 3, 3, 6, 0), 1));
    }

    [Fact]
    public void Days_received_at_lunch_count_from_the_afternoon_start()
    {
        // From Tue 13:30, one day ends at the end of Wednesday's morning session (11:30), the same instant as 13:30.
        Assert.Equal(At(2026, 3, 4, 11, 30), Standard().AddWorkingDays(At(2026, 3, 3, 12, 0), 1));
    }

    [Fact]
    public void Days_received_in_the_evening_count_from_the_next_morning()
    {
        // Tue 19:00 becomes Wed 07:30; one day later ends with Wednesday (17:00), printed so rather than "Thu 07:30".
        Assert.Equal(At(2026, 3, 4, 17, 0), Standard().AddWorkingDays(At(2026, 3, 3, 19, 0), 1));
    }

    [Fact]
    public void A_due_time_at_a_session_start_is_the_end_of_the_previous_working_session()
    {
        var calendar = Standard();

        // Monday 07:30 (after a weekend): Friday 17:00. Monday 13:30: Monday 11:30. Anything else is unchanged.
        Assert.Equal(At(2026, 3, 6, 17, 0), calendar.EndOfPreviousSessionIfAtStart(At(2026, 3, 9, 7, 30)));
        Assert.Equal(At(2026, 3, 9, 11, 30), calendar.EndOfPreviousSessionIfAtStart(At(2026, 3, 9, 13, 30)));
        Assert.Equal(At(2026, 3, 9, 7, 31), calendar.EndOfPreviousSessionIfAtStart(At(2026, 3, 9, 7, 31)));
        Assert.Equal(At(2026, 3, 7, 10, 0), calendar.EndOfPreviousSessionIfAtStart(At(2026, 3, 7, 10, 0)));
    }

    [Fact]
    public void Adding_zero_days_returns_the_normalised_start()
    {
        Assert.Equal(At(2026, 3, 9, 7, 30), Standard().AddWorkingDays(At(2026, 3, 7, 10, 0), 0));
    }

    [Fact]
    public void One_working_day_from_the_friday_before_tet_lands_on_the_monday_after()
    {
        // Tết 2026 is off Sat 14/2 to Sun 22/2, so the next working morning after Fri 13/2 is Mon 23/2.
        Assert.Equal(At(2026, 2, 23, 9, 0), WithHolidays(Tet2026).AddWorkingDays(At(2026, 2, 13, 9, 0), 1));
    }

    [Fact]
    public void Fifteen_working_days_from_the_friday_before_tet_land_on_friday_thirteenth_of_march()
    {
        // Working days after Fri 13/2/2026: Mon 23/2 (1) … Fri 27/2 (5), Mon 2/3 (6) … Fri 6/3 (10),
        // Mon 9/3 (11) … Fri 13/3/2026 (15); received in the morning, so due in the morning.
        Assert.Equal(At(2026, 3, 13, 9, 0), WithHolidays(Tet2026).AddWorkingDays(At(2026, 2, 13, 9, 0), 15));
    }

    [Fact]
    public void One_working_day_across_national_day_2025_skips_monday_and_tuesday()
    {
        // Fri 29/8/2025 afternoon; Mon 1/9 and Tue 2/9 are off, so the result is Wed 3/9 afternoon.
        Assert.Equal(At(2025, 9, 3, 14, 0), WithHolidays(NationalDay2025).AddWorkingDays(At(2025, 8, 29, 14, 0), 1));
    }

    [Fact]
    public void A_worked_saturday_counts_as_a_working_day()
    {
        Assert.Equal(At(2025, 4, 26, 14, 0), WithWorkedSaturday().AddWorkingDays(At(2025, 4, 25, 14, 0), 1));
    }

    [Fact]
    public void The_bridge_day_paid_back_by_the_worked_saturday_is_skipped()
    {
        // Tue 29/4/2025 morning; Wed 30/4 to Sun 4/5 are off (Fri 2/5 is the bridge day), so Mon 5/5 morning.
        Assert.Equal(At(2025, 5, 5, 9, 0), WithWorkedSaturday().AddWorkingDays(At(2025, 4, 29, 9, 0), 1));
    }

    [Fact]
    public void Days_with_a_single_session_are_stepped_session_by_session()
    {
        var morning = new WorkingSession(new TimeOnly(7, 30), new TimeOnly(11, 30));
        var afternoon = new WorkingSession(new TimeOnly(13, 30), new TimeOnly(17, 0));
        WorkingSession[] fullDay = [morning, afternoon];
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>>
        {
            [DayOfWeek.Monday] = fullDay,
            [DayOfWeek.Tuesday] = fullDay,
            [DayOfWeek.Wednesday] = fullDay,
            [DayOfWeek.Thursday] = fullDay,
            [DayOfWeek.Friday] = fullDay,
            [DayOfWeek.Saturday] = [morning],
        };

        // Fri afternoon 14:00 (30 min in) → Sat morning → Mon morning, 30 min in.
        var result = new WorkingCalendar(weekly).AddWorkingDays(At(2026, 3, 6, 14, 0), 1);

        Assert.Equal(At(2026, 3, 9, 8, 0), result);
    }

    [Fact]
    public void A_number_of_days_that_is_not_a_multiple_of_a_half_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Standard().AddWorkingDays(At(2026, 3, 3, 9, 0), 0.3m));

        Assert.Equal("days", ex.ParamName);
        Assert.Contains("multiple of 0.5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_days_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Standard().AddWorkingDays(At(2026, 3, 3, 9, 0), -1));
    }
}
