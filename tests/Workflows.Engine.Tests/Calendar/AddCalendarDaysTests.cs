using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

// Reference week: Mon 2/3/2026 to Fri 6/3/2026, then the weekend and Mon 9/3/2026.
public class AddCalendarDaysTests
{
    [Fact]
    public void Calendar_days_ending_on_a_working_day_keep_the_time_of_day()
    {
        Assert.Equal(At(2026, 3, 5, 10, 0), Standard().AddCalendarDays(At(2026, 3, 2, 10, 0), 3));
    }

    [Fact]
    public void Calendar_days_count_the_weekend()
    {
        Assert.Equal(At(2026, 3, 10, 10, 0), Standard().AddCalendarDays(At(2026, 3, 5, 10, 0), 5));
    }

    [Fact]
    public void Calendar_days_ending_on_a_saturday_move_to_monday()
    {
        Assert.Equal(At(2026, 3, 9, 10, 0), Standard().AddCalendarDays(At(2026, 3, 2, 10, 0), 5));
    }

    [Fact]
    public void Calendar_days_ending_in_tet_move_to_the_first_working_day_after()
    {
        // Mon 9/2/2026 + 7 days is Mon 16/2, inside Tết; the next working day is Mon 23/2.
        Assert.Equal(At(2026, 2, 23, 10, 0), WithHolidays(Tet2026).AddCalendarDays(At(2026, 2, 9, 10, 0), 7));
    }

    [Fact]
    public void Calendar_days_moved_off_a_weekend_in_the_evening_clamp_to_the_day_end()
    {
        Assert.Equal(At(2026, 3, 9, 17, 0), Standard().AddCalendarDays(At(2026, 3, 2, 20, 0), 5));
    }

    [Fact]
    public void Calendar_days_moved_off_a_weekend_early_in_the_morning_clamp_to_the_day_start()
    {
        Assert.Equal(At(2026, 3, 9, 7, 30), Standard().AddCalendarDays(At(2026, 3, 2, 6, 0), 5));
    }

    [Fact]
    public void Negative_calendar_days_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Standard().AddCalendarDays(At(2026, 3, 2, 10, 0), -1));
    }
}
