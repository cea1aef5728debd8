using System.Globalization;
using System.Text.Json.Serialization;

namespace Workflows.Engine.Definitions;

/// <summary>How a time limit is counted.</summary>
public enum TimeUnit
{
    /// <summary>Working days (weekends and holidays skipped); halves allowed.</summary>
    WorkingDays,
    /// <summary>Working hours inside the calendar's sessions.</summary>
    WorkingHours,
    /// <summary>Every day counts, but a deadline never ends on a day off.</summary>
    CalendarDays,
}

/// <summary>
/// A time allowance as the internal process table states it: "0.5 ngày làm việc", "4 giờ", "30 ngày".
/// </summary>
public sealed record TimeLimit(decimal Value, TimeUnit Unit)
{
    /// <summary>
    /// Length of a working day when days and hours are compared and no calendar is known (30 days = 240 h). Where a
    /// calendar is known, its own day is the unit (<c>WorkingCalendar.HoursPerWorkingDay</c>, 7.5 h for 07:30-11:30 and
    /// 13:30-17:00): the Host validates and compares with it, as it counts due times.
    /// </summary>
    public const decimal HoursPerWorkingDay = 8m;

    public static TimeLimit Zero { get; } = new(0m, TimeUnit.WorkingDays);

    public static TimeLimit Days(decimal days) => new(days, TimeUnit.WorkingDays);

    public static TimeLimit Hours(decimal hours) => new(hours, TimeUnit.WorkingHours);

    /// <summary>The allowance in working hours, for summing and comparing limits of mixed units.</summary>
    public decimal ToWorkingHours() => ToWorkingHours(HoursPerWorkingDay);

    /// <summary>The allowance in working hours, a working day being <paramref name="hoursPerWorkingDay"/> long.</summary>
    public decimal ToWorkingHours(decimal hoursPerWorkingDay) => Unit switch
    {
        TimeUnit.WorkingHours => Value,
        _ => Value * hoursPerWorkingDay,
    };

    public override string ToString() => Unit switch
    {
        TimeUnit.WorkingDays => string.Create(CultureInfo.InvariantCulture, $"{Value} working days"),
        TimeUnit.WorkingHours => string.Create(CultureInfo.InvariantCulture, $"{Value} working hours"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Value} calendar days"),
    };
}
