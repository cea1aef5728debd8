using Workflows.Engine.Calendar;
using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

// Reference week: Mon 2/3/2026 to Fri 6/3/2026, then the weekend and Mon 9/3/2026.
public class WorkingTimeBetweenTests
{
    [Fact]
    public void A_full_standard_day_has_seven_and_a_half_working_hours()
    {
        Assert.Equal(450, Standard().WorkingMinutesBetween(At(2026, 3, 3, 0, 0), At(2026, 3, 4, 0, 0)));
    }

    [Fact]
    public void Working_minutes_across_a_weekend_count_only_friday_and_monday()
    {
        // Fri 16:00 → 17:00 plus Mon 07:30 → 08:30.
        Assert.Equal(120, Standard().WorkingMinutesBetween(At(2026, 3, 6, 16, 0), At(2026, 3, 9, 8, 30)));
    }

    [Fact]
    public void Working_minutes_across_tet_count_nothing_during_the_holiday()
    {
        Assert.Equal(120, WithHolidays(Tet2026).WorkingMinutesBetween(At(2026, 2, 13, 16, 0), At(2026, 2, 23, 8, 30)));
    }

    [Fact]
    public void Working_minutes_across_national_day_2025_skip_monday_and_tuesday()
    {
        // Fri 29/8/2025 16:00 → 17:00 plus Wed 3/9/2025 07:30 → 08:30.
        Assert.Equal(120, WithHolidays(NationalDay2025).WorkingMinutesBetween(At(2025, 8, 29, 16, 0), At(2025, 9, 3, 8, 30)));
    }

    [Fact]
    public void Working_minutes_on_a_worked_saturday_are_counted()
    {
        Assert.Equal(450, WithWorkedSaturday().WorkingMinutesBetween(At(2025, 4, 26, 0, 0), At(2025, 4, 27, 0, 0)));
    }

    [Fact]
    public void Working_minutes_of_an_empty_or_reversed_interval_are_zero()
    {
        Assert.Equal(0, Standard().WorkingMinutesBetween(At(2026, 3, 3, 9, 0), At(2026, 3, 3, 9, 0)));
        Assert.Equal(0, Standard().WorkingMinutesBetween(At(2026, 3, 3, 10, 0), At(2026, 3, 3, 9, 0)));
    }

    [Fact]
    public void Working_minutes_between_invert_adding_working_minutes()
    {
        var calendar = WorkingCalendar.Standard(
            Tet2026.Concat(NationalDay2025).Concat(ReunificationDay2025), [WorkedSaturday2025]);
        DateTimeOffset[] starts =
        [
            At(2026, 3, 3, 9, 0),    // inside a morning
            At(2026, 3, 3, 6, 0),    // before opening
            At(2026, 3, 3, 12, 0),   // at lunch
            At(2026, 3, 6, 19, 0),   // friday evening
            At(2026, 2, 13, 16, 59), // just before Tết
            At(2025, 8, 29, 11, 30), // exactly at a session end, before national day
            At(2025, 4, 25, 16, 0),  // before the worked saturday
        ];
        long[] minutes = [0, 1, 59, 210, 240, 450, 451, 1000, 10_000];

        foreach (var start in starts)
        {
            foreach (var m in minutes)
            {
                var end = calendar.AddWorkingMinutes(start, m);
                Assert.True(m == calendar.WorkingMinutesBetween(start, end), $"start {start:O}, {m} min, end {end:O}");
            }
        }
    }

    [Fact]
    public void Working_days_between_count_days_of_the_calendars_sessions()
    {
        // Mon 2/3 07:30 → Fri 6/3 17:00 is 5 × 450 min: 5 working days of 7.5 h (not 4.69 days of 8 h).
        Assert.Equal(5m, Standard().WorkingDaysBetween(At(2026, 3, 2, 7, 30), At(2026, 3, 6, 17, 0)));
        // One working day from Monday 09:00 is Tuesday 09:00, and it is 1 day used.
        Assert.Equal(1m, Standard().WorkingDaysBetween(At(2026, 3, 2, 9, 0), Standard().AddWorkingDays(At(2026, 3, 2, 9, 0), 1)));
    }

    [Fact]
    public void Working_days_between_use_the_configured_day_length()
    {
        var calendar = new WorkingCalendar(
            new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>>
            {
                [DayOfWeek.Monday] = [new WorkingSession(new TimeOnly(7, 30), new TimeOnly(11, 30)), new WorkingSession(new TimeOnly(13, 30), new TimeOnly(17, 0))],
            })
        { HoursPerWorkingDay = 8m };

        Assert.Equal(0.94m, calendar.WorkingDaysBetween(At(2026, 3, 2, 0, 0), At(2026, 3, 3, 0, 0)));
    }
}
