using Workflows.Engine.Calendar;

namespace Workflows.Engine.Tests.Calendar;

/// <summary>Calendars and instants shared by the calendar tests, all built in code.</summary>
internal static class Calendars
{
    public static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    /// <summary>Tết 2026: off from Sat 14/2/2026 to Sun 22/2/2026.</summary>
    public static readonly DateOnly[] Tet2026 = Days(new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 22));

    /// <summary>National Day 2025: off Sat 30/8 to Tue 2/9/2025 (so Mon 1/9 and Tue 2/9 are lost working days).</summary>
    public static readonly DateOnly[] NationalDay2025 = Days(new DateOnly(2025, 8, 30), new DateOnly(2025, 9, 2));

    /// <summary>30/4-1/5/2025 plus the bridge Fri 2/5, paid back by working Sat 26/4/2025.</summary>
    public static readonly DateOnly[] ReunificationDay2025 = Days(new DateOnly(2025, 4, 30), new DateOnly(2025, 5, 4));

    public static readonly DateOnly WorkedSaturday2025 = new(2025, 4, 26);

    public static WorkingCalendar Standard() => WorkingCalendar.Standard();

    public static WorkingCalendar WithHolidays(params DateOnly[][] holidayRanges) =>
        WorkingCalendar.Standard(holidayRanges.SelectMany(r => r));

    public static WorkingCalendar WithWorkedSaturday() =>
        WorkingCalendar.Standard(ReunificationDay2025, [WorkedSaturday2025]);

    /// <summary>A wall-clock instant in Vietnam local time.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, Vietnam);

    public static DateOnly[] Days(DateOnly first, DateOnly last)
    {
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            days.Add(d);
        }

        return [.. days];
    }
}
