using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Deadlines;

/// <summary>Which receipts the cut-off time moves to the next working day.</summary>
public enum CutOffScope
{
    /// <summary>Only procedures due the same day ("giải quyết trong ngày").</summary>
    SameDayOnly,
    /// <summary>Every procedure: processing time counts from the next working day.</summary>
    All,
}

/// <summary>
/// Cut-off rule for receipts late in the day. Which procedures it applies to is local practice, not law, so
/// both the time and the scope are configuration.
/// </summary>
public sealed record CutOffRule(TimeOnly Time, CutOffScope Scope)
{
    public static CutOffRule Default { get; } = new(new TimeOnly(15, 0), CutOffScope.SameDayOnly);
}

/// <summary>The promised return date printed on the receipt (form 01).</summary>
public sealed record Appointment(DateTimeOffset CountingFrom, DateTimeOffset Due, TimeLimit Limit);

public static class AppointmentCalculator
{
    /// <summary>
    /// The appointment for a dossier received at <paramref name="receivedAt"/> through <paramref name="channel"/>:
    /// the procedure's committed limit (the channel's own limit when it has one), counted from the receipt
    /// (moved by the cut-off where it applies). A zero limit means same-day: due at the end of that working day.
    /// </summary>
    public static Appointment Compute(ProcedureDefinition procedure, Channel channel, DateTimeOffset receivedAt, WorkingCalendar calendar, CutOffRule? cutOff = null)
    {
        ArgumentNullException.ThrowIfNull(procedure);
        ArgumentNullException.ThrowIfNull(calendar);
        var rule = cutOff ?? CutOffRule.Default;
        var limit = procedure.CommittedLimitFor(channel);
        var sameDay = limit.Value == 0;
        var countingFrom = sameDay || rule.Scope == CutOffScope.All
            ? calendar.ApplyCutOff(receivedAt, rule.Time)
            : calendar.NextWorkingInstant(receivedAt);
        var due = sameDay ? calendar.EndOfWorkingDay(countingFrom) : new CalendarDeadlines(calendar).Add(countingFrom, limit);
        return new Appointment(countingFrom, due, limit);
    }
}

/// <summary>A period during which the dossier's clock was stopped, and why.</summary>
public sealed record PausedPeriod(DateTimeOffset From, DateTimeOffset To, string Reason);

public static class SupplementClock
{
    /// <summary>
    /// The new due time after the clock was stopped, by the procedure's supplement policy.
    /// Pause: the due time moves by the working time paused. Restart: the full limit counts again from when the
    /// dossier became complete (the end of the last supplement period). Excluded periods: only periods whose
    /// reason is one of the policy's excluded signals move the due time.
    /// </summary>
    public static DateTimeOffset Recompute(SupplementPolicy policy, TimeLimit limit, DateTimeOffset originalDue, IReadOnlyList<PausedPeriod> periods, WorkingCalendar calendar, string supplementReason = "supplementReceived")
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(calendar);
        switch (policy.Clock)
        {
            case SupplementClockPolicy.Restart:
                var lastSupplement = periods.Where(p => p.Reason == supplementReason).Select(p => (DateTimeOffset?)p.To).Max();
                var otherPauses = periods.Where(p => p.Reason != supplementReason && (lastSupplement is null || p.From >= lastSupplement));
                var restarted = lastSupplement is { } from ? new CalendarDeadlines(calendar).Add(from, limit) : originalDue;
                return Extend(calendar, restarted, otherPauses.Sum(p => calendar.WorkingMinutesBetween(p.From, p.To)));
            case SupplementClockPolicy.ExcludedPeriods:
                var excluded = periods.Where(p => policy.ExcludedSignals.Contains(p.Reason));
                return Extend(calendar, originalDue, excluded.Sum(p => calendar.WorkingMinutesBetween(p.From, p.To)));
            default:
                return Extend(calendar, originalDue, periods.Sum(p => calendar.WorkingMinutesBetween(p.From, p.To)));
        }
    }

    // A due time at 17:00 must stay there when nothing is added, not move to the next morning.
    private static DateTimeOffset Extend(WorkingCalendar calendar, DateTimeOffset due, long minutes) =>
        minutes == 0 ? due : calendar.AddWorkingMinutes(due, minutes);
}
