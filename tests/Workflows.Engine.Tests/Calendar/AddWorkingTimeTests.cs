using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

// Reference week: Mon 2/3/2026 to Fri 6/3/2026, then the weekend and Mon 9/3/2026.
public class AddWorkingTimeTests
{
    [Fact]
    public void An_instant_inside_a_session_is_already_a_working_instant()
    {
        Assert.Equal(At(2026, 3, 3, 9, 15), Standard().NextWorkingInstant(At(2026, 3, 3, 9, 15)));
    }

    [Fact]
    public void The_next_working_instant_at_lunch_is_the_afternoon_start()
    {
        Assert.Equal(At(2026, 3, 3, 13, 30), Standard().NextWorkingInstant(At(2026, 3, 3, 11, 30)));
    }

    [Fact]
    public void The_next_working_instant_on_friday_evening_is_monday_morning()
    {
        Assert.Equal(At(2026, 3, 9, 7, 30), Standard().NextWorkingInstant(At(2026, 3, 6, 19, 0)));
    }

    [Fact]
    public void Adding_hours_across_lunch_skips_the_break()
    {
        // 10:30 → 11:30 is one hour, the second hour runs 13:30 → 14:30.
        Assert.Equal(At(2026, 3, 3, 14, 30), Standard().AddWorkingHours(At(2026, 3, 3, 10, 30), 2));
    }

    [Fact]
    public void Adding_hours_across_a_weekend_continues_on_monday()
    {
        // Fri 16:00 → 17:00 is one hour, the second hour runs Mon 07:30 → 08:30.
        Assert.Equal(At(2026, 3, 9, 8, 30), Standard().AddWorkingHours(At(2026, 3, 6, 16, 0), 2));
    }

    [Fact]
    public void Adding_fractional_hours_counts_minutes()
    {
        Assert.Equal(At(2026, 3, 3, 9, 0), Standard().AddWorkingHours(At(2026, 3, 3, 7, 30), 1.5m));
    }

    [Fact]
    public void A_result_filling_a_session_exactly_stays_at_the_session_end()
    {
        Assert.Equal(At(2026, 3, 3, 11, 30), Standard().AddWorkingMinutes(At(2026, 3, 3, 10, 30), 60));
    }

    [Fact]
    public void A_result_filling_the_day_exactly_stays_at_the_day_end()
    {
        Assert.Equal(At(2026, 3, 3, 17, 0), Standard().AddWorkingMinutes(At(2026, 3, 3, 7, 30), 450));
    }

    [Fact]
    public void Adding_zero_minutes_returns_the_normalised_start()
    {
        Assert.Equal(At(2026, 3, 3, 13, 30), Standard().AddWorkingMinutes(At(2026, 3, 3, 12, 0), 0));
    }

    [Fact]
    public void Minutes_received_before_opening_count_from_the_morning_start()
    {
        Assert.Equal(At(2026, 3, 3, 8, 30), Standard().AddWorkingMinutes(At(2026, 3, 3, 6, 0), 60));
    }

    [Fact]
    public void Minutes_received_at_lunch_count_from_the_afternoon_start()
    {
        Assert.Equal(At(2026, 3, 3, 14, 30), Standard().AddWorkingMinutes(At(2026, 3, 3, 12, 0), 60));
    }

    [Fact]
    public void Minutes_received_in_the_evening_count_from_the_next_morning()
    {
        Assert.Equal(At(2026, 3, 4, 8, 30), Standard().AddWorkingMinutes(At(2026, 3, 3, 19, 0), 60));
    }

    [Fact]
    public void Minutes_skip_a_multi_day_holiday()
    {
        // Fri 13/2/2026 16:00 → 17:00 is one hour; Tết runs Sat 14/2 to Sun 22/2, so the second hour is Mon 23/2.
        Assert.Equal(At(2026, 2, 23, 8, 30), WithHolidays(Tet2026).AddWorkingMinutes(At(2026, 2, 13, 16, 0), 120));
    }

    [Fact]
    public void An_instant_given_in_utc_is_computed_in_vietnam_time_and_returned_at_plus_seven()
    {
        // 02:00 UTC is 09:00 in Vietnam.
        var result = Standard().AddWorkingHours(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero), 1);

        Assert.Equal(At(2026, 3, 3, 10, 0), result);
        Assert.Equal(Vietnam, result.Offset);
    }

    [Fact]
    public void Negative_minutes_are_rejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Standard().AddWorkingMinutes(At(2026, 3, 3, 9, 0), -1));

        Assert.Equal("minutes", ex.ParamName);
    }

    [Fact]
    public void Negative_hours_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Standard().AddWorkingHours(At(2026, 3, 3, 9, 0), -0.5m));
    }
}
