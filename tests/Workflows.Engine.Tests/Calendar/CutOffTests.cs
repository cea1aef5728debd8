using static Workflows.Engine.Tests.Calendar.Calendars;

namespace Workflows.Engine.Tests.Calendar;

// Reference week: Mon 2/3/2026 to Fri 6/3/2026, then the weekend and Mon 9/3/2026.
public class CutOffTests
{
    private static readonly TimeOnly ThreePm = new(15, 0);

    [Fact]
    public void Received_before_the_cut_off_counts_from_reception()
    {
        Assert.Equal(At(2026, 3, 3, 14, 0), Standard().ApplyCutOff(At(2026, 3, 3, 14, 0), ThreePm));
    }

    [Fact]
    public void Received_at_lunch_before_the_cut_off_counts_from_the_afternoon_start()
    {
        Assert.Equal(At(2026, 3, 3, 13, 30), Standard().ApplyCutOff(At(2026, 3, 3, 12, 0), ThreePm));
    }

    [Fact]
    public void Received_before_opening_counts_from_the_morning_start()
    {
        Assert.Equal(At(2026, 3, 3, 7, 30), Standard().ApplyCutOff(At(2026, 3, 3, 6, 45), ThreePm));
    }

    [Fact]
    public void Received_exactly_at_the_cut_off_counts_from_the_next_working_morning()
    {
        Assert.Equal(At(2026, 3, 4, 7, 30), Standard().ApplyCutOff(At(2026, 3, 3, 15, 0), ThreePm));
    }

    [Fact]
    public void Received_after_the_cut_off_on_friday_counts_from_monday_morning()
    {
        Assert.Equal(At(2026, 3, 9, 7, 30), Standard().ApplyCutOff(At(2026, 3, 6, 15, 30), ThreePm));
    }

    [Fact]
    public void Received_after_the_last_session_with_a_late_cut_off_counts_from_the_next_morning()
    {
        Assert.Equal(At(2026, 3, 4, 7, 30), Standard().ApplyCutOff(At(2026, 3, 3, 17, 30), new TimeOnly(18, 0)));
    }

    [Fact]
    public void Received_on_a_saturday_morning_counts_from_monday_morning()
    {
        Assert.Equal(At(2026, 3, 9, 7, 30), Standard().ApplyCutOff(At(2026, 3, 7, 8, 0), ThreePm));
    }

    [Fact]
    public void Received_before_the_cut_off_is_due_at_the_end_of_the_same_day()
    {
        Assert.Equal(At(2026, 3, 3, 17, 0), Standard().SameDayDue(At(2026, 3, 3, 10, 0), ThreePm));
    }

    [Fact]
    public void Received_after_the_cut_off_is_due_at_the_end_of_the_next_working_day()
    {
        Assert.Equal(At(2026, 3, 9, 17, 0), Standard().SameDayDue(At(2026, 3, 6, 15, 30), ThreePm));
    }

    [Fact]
    public void Received_after_the_cut_off_before_tet_is_due_at_the_end_of_the_first_day_after_tet()
    {
        Assert.Equal(At(2026, 2, 23, 17, 0), WithHolidays(Tet2026).SameDayDue(At(2026, 2, 13, 16, 0), ThreePm));
    }

    [Fact]
    public void The_end_of_the_working_day_of_an_evening_instant_is_the_next_day_end()
    {
        Assert.Equal(At(2026, 3, 4, 17, 0), Standard().EndOfWorkingDay(At(2026, 3, 3, 20, 0)));
    }
}
