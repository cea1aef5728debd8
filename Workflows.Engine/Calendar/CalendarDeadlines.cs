using System.Globalization;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Calendar;

/// <summary>Due times on a working-day calendar: what the engine uses for step due times and timers.</summary>
public sealed class CalendarDeadlines(WorkingCalendar calendar) : IDeadlineCalculator
{
    public DateTimeOffset Add(DateTimeOffset start, TimeLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (limit.Value > DefinitionLimits.MaxValue(limit.Unit))
        {
            // The validator refuses such limits; a definition stored before it did must not walk the calendar for ever.
            throw new CalendarRangeException(string.Create(CultureInfo.InvariantCulture, $"The time limit {limit} is longer than the calendar can count (at most {DefinitionLimits.MaxDays} days)."));
        }

        try
        {
            return limit.Unit switch
            {
                TimeUnit.WorkingDays => calendar.AddWorkingDays(start, limit.Value),
                TimeUnit.WorkingHours => calendar.AddWorkingHours(start, limit.Value),
                TimeUnit.CalendarDays => calendar.AddCalendarDays(start, (int)Math.Ceiling(limit.Value)),
                _ => throw new ArgumentOutOfRangeException(nameof(limit), limit.Unit, "Unknown time unit."),
            };
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException && Enum.IsDefined(limit.Unit))
        {
            throw new CalendarRangeException(string.Create(CultureInfo.InvariantCulture, $"{limit} counted from {start:yyyy-MM-dd} ends after the last date the calendar can count."), e);
        }
    }
}
