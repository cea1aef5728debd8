using Workflows.Engine.Calendar;
using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

public class WorkingCalendarConstructionTests
{
    private static readonly WorkingSession Morning = new(new TimeOnly(7, 30), new TimeOnly(11, 30));
    private static readonly WorkingSession Afternoon = new(new TimeOnly(13, 30), new TimeOnly(17, 0));

    [Fact]
    public void The_standard_calendar_works_two_sessions_from_monday_to_friday()
    {
        var calendar = Standard();

        Assert.Equal([Morning, Afternoon], calendar.SessionsOn(new DateOnly(2026, 3, 2)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 3, 6)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 3, 7)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 3, 8)));
        Assert.Equal(TimeSpan.FromHours(7), calendar.UtcOffset);
        // The day of the sessions (4 h + 3.5 h), so time used and time allotted share one unit.
        Assert.Equal(7.5m, calendar.HoursPerWorkingDay);
    }

    [Fact]
    public void A_holiday_has_no_sessions()
    {
        var calendar = WithHolidays(Tet2026);

        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 2, 16)));
        Assert.Empty(calendar.SessionsOn(new DateOnly(2026, 2, 16)));
    }

    [Fact]
    public void A_worked_saturday_uses_the_monday_sessions()
    {
        var calendar = WithWorkedSaturday();

        Assert.True(calendar.IsWorkingDay(WorkedSaturday2025));
        Assert.Equal([Morning, Afternoon], calendar.SessionsOn(WorkedSaturday2025));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 5, 2)));
    }

    [Fact]
    public void A_worked_day_can_have_its_own_sessions()
    {
        var calendar = new WorkingCalendar(
            WeekdaysOf(Morning, Afternoon),
            workedDays: [WorkedSaturday2025],
            workedDaySessions: [Morning]);

        Assert.Equal([Morning], calendar.SessionsOn(WorkedSaturday2025));
    }

    [Fact]
    public void Overlapping_sessions_are_rejected_naming_the_day_and_sessions()
    {
        var lateMorning = new WorkingSession(new TimeOnly(11, 0), new TimeOnly(12, 0));
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>> { [DayOfWeek.Tuesday] = [Morning, lateMorning] };

        var ex = Assert.Throws<ArgumentException>(() => new WorkingCalendar(weekly));

        Assert.Equal("weeklySessions", ex.ParamName);
        Assert.Contains("Tuesday", ex.Message, StringComparison.Ordinal);
        Assert.Contains("07:30-11:30 and 11:00-12:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsorted_sessions_are_rejected()
    {
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>> { [DayOfWeek.Monday] = [Afternoon, Morning] };

        var ex = Assert.Throws<ArgumentException>(() => new WorkingCalendar(weekly));

        Assert.Contains("must be sorted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_that_is_both_holiday_and_worked_day_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => WorkingCalendar.Standard([WorkedSaturday2025], [WorkedSaturday2025]));

        Assert.Contains("both as a holiday and as a worked day", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worked_day_on_a_weekday_is_rejected_as_a_likely_typo()
    {
        var ex = Assert.Throws<ArgumentException>(() => WorkingCalendar.Standard(workedDays: [new DateOnly(2025, 4, 25)]));

        Assert.Contains("already a working day", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Worked_days_without_any_sessions_to_use_are_rejected()
    {
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>> { [DayOfWeek.Tuesday] = [Morning] };

        var ex = Assert.Throws<ArgumentException>(() => new WorkingCalendar(weekly, workedDays: [WorkedSaturday2025]));

        Assert.Contains("Worked days need sessions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_positive_day_length_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkingCalendar(WeekdaysOf(Morning)) { HoursPerWorkingDay = 0 });
    }

    [Fact]
    public void An_offset_that_is_not_whole_minutes_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkingCalendar(WeekdaysOf(Morning), utcOffset: TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_calendar_without_working_days_throws_instead_of_looping()
    {
        var calendar = new WorkingCalendar(new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>>());

        var ex = Assert.Throws<CalendarRangeException>(() => calendar.AddWorkingMinutes(At(2026, 3, 2, 9, 0), 60));

        Assert.Contains("calendar has no working days", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_whose_holidays_cover_ten_years_throws_instead_of_looping()
    {
        var calendar = WorkingCalendar.Standard(Days(new DateOnly(2026, 1, 1), new DateOnly(2036, 12, 31)));

        Assert.Throws<CalendarRangeException>(() => calendar.AddWorkingDays(At(2026, 1, 1, 9, 0), 1));
        Assert.Throws<CalendarRangeException>(() => calendar.NextWorkingInstant(At(2026, 1, 1, 9, 0)));
    }

    private static Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>> WeekdaysOf(params WorkingSession[] sessions) => new()
    {
        [DayOfWeek.Monday] = sessions,
        [DayOfWeek.Tuesday] = sessions,
        [DayOfWeek.Wednesday] = sessions,
        [DayOfWeek.Thursday] = sessions,
        [DayOfWeek.Friday] = sessions,
    };
}
