using System.Globalization;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Calendar;

/// <summary>Due times on a working-day calendar: what the engine uses for step due times and timers.</summary>
/// <param name="calendar">The working calendar.</param>
/// <param name="cutOff">The cut-off of the same-day rule for 0-day steps; <see cref="CutOffRule.Default"/> when omitted.</param>
public sealed class CalendarDeadlines(WorkingCalendar calendar, CutOffRule? cutOff = null) : IDeadlineCalculator
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

    /// <remarks>
    /// A step with no time of its own ("trả kết quả", 0 days) follows the dossier's same-day rule: it is due at the
    /// end of the working day it opens, or of the next working day when it opens at or after the cut-off. Counting
    /// 0 working days from the opening instant would make it due the moment it opens, and late a second later.
    /// </remarks>
    public DateTimeOffset StepDue(DateTimeOffset opened, TimeLimit allotted)
    {
        ArgumentNullException.ThrowIfNull(allotted);
        return allotted.Value == 0
            ? calendar.SameDayDue(opened, (cutOff ?? CutOffRule.Default).Time)
            : Add(opened, allotted);
    }

    public long? WorkingMinutesBetween(DateTimeOffset start, DateTimeOffset until) => calendar.WorkingMinutesBetween(start, until);

    public DateTimeOffset AddWorkingMinutes(DateTimeOffset start, long minutes) => calendar.AddWorkingMinutes(start, minutes);
}
