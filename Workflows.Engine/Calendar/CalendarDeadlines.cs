using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Calendar;

/// <summary>Due times on a working-day calendar: what the engine uses for step due times and timers.</summary>
public sealed class CalendarDeadlines(WorkingCalendar calendar) : IDeadlineCalculator
{
    public DateTimeOffset Add(DateTimeOffset start, TimeLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return limit.Unit switch
        {
            TimeUnit.WorkingDays => calendar.AddWorkingDays(start, limit.Value),
            TimeUnit.WorkingHours => calendar.AddWorkingHours(start, limit.Value),
            TimeUnit.CalendarDays => calendar.AddCalendarDays(start, (int)Math.Ceiling(limit.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit.Unit, "Unknown time unit."),
        };
    }

    public long? WorkingMinutesBetween(DateTimeOffset start, DateTimeOffset until) => calendar.WorkingMinutesBetween(start, until);

    public DateTimeOffset AddWorkingMinutes(DateTimeOffset start, long minutes) => calendar.AddWorkingMinutes(start, minutes);
}
