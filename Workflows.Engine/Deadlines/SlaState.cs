using Workflows.Engine.Calendar;

namespace Workflows.Engine.Deadlines;

/// <summary>Where a step or dossier stands against its due time (trước hạn / đúng hạn / sắp đến hạn / quá hạn).</summary>
public enum SlaState
{
    /// <summary>Finished on a day before the due day.</summary>
    Early,
    /// <summary>Finished on the due day by the due time, or open with more than the warning window left.</summary>
    OnTime,
    /// <summary>Open, with no more than the warning window of working time left.</summary>
    DueSoon,
    /// <summary>Finished after the due time, or open past it.</summary>
    Late,
}

public static class Sla
{
    /// <summary>
    /// Classifies an item due at <paramref name="due"/>. A finished item (completed) is early when it finished
    /// on an earlier local day than the due day, on time up to the due instant, late after it. An open item is
    /// late past its due time and due soon when at most <paramref name="warnWorkingMinutes"/> of working time
    /// remain (default 1 working day of 8 h).
    /// </summary>
    public static SlaState Classify(WorkingCalendar calendar, DateTimeOffset due, DateTimeOffset? completed, DateTimeOffset now, long warnWorkingMinutes = 8 * 60)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (completed is { } done)
        {
            if (done > due)
            {
                return SlaState.Late;
            }

            var doneDay = DateOnly.FromDateTime(done.ToOffset(calendar.UtcOffset).DateTime);
            var dueDay = DateOnly.FromDateTime(due.ToOffset(calendar.UtcOffset).DateTime);
            return doneDay < dueDay ? SlaState.Early : SlaState.OnTime;
        }

        if (now > due)
        {
            return SlaState.Late;
        }

        return calendar.WorkingMinutesBetween(now, due) <= warnWorkingMinutes ? SlaState.DueSoon : SlaState.OnTime;
    }
}
