using System.Collections.ObjectModel;
using System.Globalization;

namespace Workflows.Engine.Calendar;

/// <summary>
/// Working-time arithmetic for a one-stop centre: weekly working sessions, minus public holidays,
/// plus worked weekend days ("làm bù"). Holidays are data, not a formula, because the government
/// announces them (and the swaps) year by year.
/// </summary>
/// <remarks>
/// All members are pure (none reads the clock). Instants are converted to the calendar's local wall
/// time (<see cref="UtcOffset"/>, Vietnam has no DST) for the maths, and results are returned at
/// that offset. Sessions are half-open: a session end is not working time, except that a result of
/// <see cref="AddWorkingMinutes"/> landing exactly on a session end stays there, so that
/// "10:30 + 1 h" is 11:30 and not 13:30.
/// </remarks>
public sealed class WorkingCalendar
{
    /// <summary>Vietnam local time (UTC+07:00, no daylight saving).</summary>
    public static readonly TimeSpan DefaultUtcOffset = TimeSpan.FromHours(7);

    // Bounds every "find the next working day" walk, so that a calendar without working days
    // (or with ten years of holidays) fails loudly instead of looping forever.
    private const int MaxDaysWithoutWorkingDay = 3660;

    private static readonly ReadOnlyCollection<WorkingSession> NoSessions = ReadOnlyCollection<WorkingSession>.Empty;

    // Indexed by (int)DayOfWeek; lookups per date are O(1) together with the two hash sets.
    private readonly ReadOnlyCollection<WorkingSession>[] _weeklySessions;
    private readonly ReadOnlyCollection<WorkingSession> _workedDaySessions;
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workedDays;
    private readonly decimal _hoursPerWorkingDay;

    /// <param name="weeklySessions">Sessions per weekday, sorted and non-overlapping; missing days are days off.</param>
    /// <param name="holidays">Dates off even if their weekday has sessions.</param>
    /// <param name="workedDays">Days off by weekday that are worked in exchange for a bridge day.</param>
    /// <param name="workedDaySessions">Sessions of a worked day; the Monday sessions when omitted.</param>
    /// <param name="utcOffset">Offset of the local wall time; <see cref="DefaultUtcOffset"/> when omitted.</param>
    public WorkingCalendar(
        IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingSession>> weeklySessions,
        IEnumerable<DateOnly>? holidays = null,
        IEnumerable<DateOnly>? workedDays = null,
        IReadOnlyList<WorkingSession>? workedDaySessions = null,
        TimeSpan? utcOffset = null)
    {
        ArgumentNullException.ThrowIfNull(weeklySessions);

        _weeklySessions = new ReadOnlyCollection<WorkingSession>[7];
        for (var day = DayOfWeek.Sunday; day <= DayOfWeek.Saturday; day++)
        {
            _weeklySessions[(int)day] = weeklySessions.TryGetValue(day, out var sessions)
                ? ValidatedCopy(sessions, day.ToString(), nameof(weeklySessions))
                : NoSessions;
        }

        _holidays = holidays is null ? [] : [.. holidays];
        _workedDays = workedDays is null ? [] : [.. workedDays];

        _workedDaySessions = workedDaySessions is null
            ? _weeklySessions[(int)DayOfWeek.Monday]
            : ValidatedCopy(workedDaySessions, "worked days", nameof(workedDaySessions));

        foreach (var date in _workedDays)
        {
            if (_holidays.Contains(date))
            {
                throw new ArgumentException(
                    $"{Format(date)} is listed both as a holiday and as a worked day.", nameof(workedDays));
            }

            // A worked day on a day that is already worked is almost certainly a data-entry error.
            if (_weeklySessions[(int)date.DayOfWeek].Count > 0)
            {
                throw new ArgumentException(
                    $"Worked day {Format(date)} is a {date.DayOfWeek}, which is already a working day.", nameof(workedDays));
            }
        }

        _hoursPerWorkingDay = UsualDayHours(_weeklySessions);

        if (_workedDays.Count > 0 && _workedDaySessions.Count == 0)
        {
            throw new ArgumentException(
                "Worked days need sessions: give workedDaySessions or Monday sessions.", nameof(workedDaySessions));
        }

        UtcOffset = utcOffset ?? DefaultUtcOffset;
        if (UtcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || UtcOffset < TimeSpan.FromHours(-14) || UtcOffset > TimeSpan.FromHours(14))
        {
            throw new ArgumentOutOfRangeException(
                nameof(utcOffset), utcOffset, "The UTC offset must be whole minutes between -14:00 and +14:00.");
        }
    }

    /// <summary>Offset of the local wall time the calendar counts in.</summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>Sessions used on worked days.</summary>
    public IReadOnlyList<WorkingSession> WorkedDaySessions => _workedDaySessions;

    /// <summary>
    /// Length of a working day in hours: the sessions of the usual working weekday (7.5 h for the standard
    /// 07:30-11:30 and 13:30-17:00), so that time used is counted in the same day as time allotted (a step
    /// that takes exactly one working day shows 1 day, not 0.94 of an 8-hour day).
    /// </summary>
    /// <remarks>
    /// The usual weekday is the most frequent daily total of the weekly sessions (the earlier weekday on a tie, from
    /// Monday), so a Saturday morning desk does not shorten the day. It may be set explicitly.
    /// </remarks>
    public decimal HoursPerWorkingDay
    {
        get => _hoursPerWorkingDay;
        init => _hoursPerWorkingDay = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Hours per working day must be positive.");
    }

    /// <summary>Monday to Friday, 07:30-11:30 and 13:30-17:00, at UTC+07:00.</summary>
    public static WorkingCalendar Standard(IEnumerable<DateOnly>? holidays = null, IEnumerable<DateOnly>? workedDays = null)
    {
        IReadOnlyList<WorkingSession> sessions =
        [
            new(new TimeOnly(7, 30), new TimeOnly(11, 30)),
            new(new TimeOnly(13, 30), new TimeOnly(17, 0)),
        ];
        var weekly = new Dictionary<DayOfWeek, IReadOnlyList<WorkingSession>>
        {
            [DayOfWeek.Monday] = sessions,
            [DayOfWeek.Tuesday] = sessions,
            [DayOfWeek.Wednesday] = sessions,
            [DayOfWeek.Thursday] = sessions,
            [DayOfWeek.Friday] = sessions,
        };
        return new WorkingCalendar(weekly, holidays, workedDays);
    }

    public bool IsWorkingDay(DateOnly date) => SessionsOn(date).Count > 0;

    /// <summary>The sessions worked on <paramref name="date"/>, sorted; empty on a day off.</summary>
    public IReadOnlyList<WorkingSession> SessionsOn(DateOnly date) => Sessions(date);

    /// <summary><paramref name="t"/> itself if it is inside a session, else the start of the next session.</summary>
    public DateTimeOffset NextWorkingInstant(DateTimeOffset t)
    {
        var local = ToLocal(t);
        var position = Normalise(local);
        return ToInstant(position.Date, position.Time);
    }

    /// <summary>
    /// The instant <paramref name="minutes"/> working minutes after <paramref name="start"/>; a start
    /// outside working time counts from the next session start. A result exactly at a session end
    /// stays there.
    /// </summary>
    public DateTimeOffset AddWorkingMinutes(DateTimeOffset start, long minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        return AddWorkingTicks(start, checked(minutes * TimeSpan.TicksPerMinute));
    }

    /// <summary>Like <see cref="AddWorkingMinutes"/>, for a (possibly fractional) number of hours.</summary>
    public DateTimeOffset AddWorkingHours(DateTimeOffset start, decimal hours)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        return AddWorkingTicks(start, (long)decimal.Round(hours * TimeSpan.TicksPerHour));
    }

    /// <summary>
    /// Moves <paramref name="days"/> working days (a multiple of 0.5) forward, session by session.
    /// </summary>
    /// <remarks>
    /// Day arithmetic is by sessions ("buổi", half days), not by minutes, because sessions are unequal
    /// (4 h morning, 3.5 h afternoon) and the rule users know is "received in the morning, returned
    /// in the morning; received in the afternoon, returned in the afternoon". So: normalise the start
    /// to a working instant (outside working time it becomes the start of the next session, offset 0);
    /// move 2 × <paramref name="days"/> sessions forward, skipping days off; keep the same offset from
    /// the session start, clamped to that session's end. On two-session days a whole day keeps
    /// morning/afternoon and a half day goes morning → same afternoon, afternoon → next working
    /// morning. Days with another number of sessions are still stepped session by session. A result at the
    /// start of a session is returned as the end of the previous working session, the same working instant
    /// (<see cref="EndOfPreviousSessionIfAtStart"/>): one day from Monday 07:30 is Monday 17:00.
    /// </remarks>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, decimal days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var halfDays = days * 2;
        if (halfDays != decimal.Truncate(halfDays))
        {
            throw new ArgumentException(
                $"Working days must be a multiple of 0.5 (whole sessions); got {days.ToString(CultureInfo.InvariantCulture)}.",
                nameof(days));
        }

        var position = Normalise(ToLocal(start));
        var offset = position.Time - Sessions(position.Date)[position.Index].Start;

        var date = position.Date;
        var index = position.Index;
        for (var step = (long)halfDays; step > 0; step--)
        {
            (date, index) = NextSession(date, index);
        }

        var target = Sessions(date)[index];
        var time = offset < target.Duration ? target.Start.Add(offset) : target.End;
        var due = ToInstant(date, time);
        return halfDays > 0 ? EndOfPreviousSessionIfAtStart(due) : due;
    }

    /// <summary>
    /// The due-time convention at session boundaries: an instant exactly at the start of a session that follows
    /// working time is the same working instant as the end of the previous session, and a period ends at the end
    /// of its last working session (the Civil Code ends a period at the end of its last day; desks write
    /// "17:00 ngày 15/12", not "07:30 ngày 16/12"). Any other instant is returned unchanged.
    /// </summary>
    public DateTimeOffset EndOfPreviousSessionIfAtStart(DateTimeOffset t)
    {
        var local = ToLocal(t);
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        var sessions = Sessions(date);
        for (var i = 0; i < sessions.Count; i++)
        {
            if (sessions[i].Start == time)
            {
                var (previousDate, previousEnd) = i > 0 ? (date, sessions[i - 1].End) : PreviousWorkingDayEnd(date);
                return ToInstant(previousDate, previousEnd);
            }
        }

        return t;
    }

    /// <summary>
    /// Counts every day, but never ends on a day off: such a result moves to the next working day at
    /// the same time of day, clamped between that day's first session start and last session end.
    /// </summary>
    public DateTimeOffset AddCalendarDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = ToLocal(start).AddDays(days);
        var date = DateOnly.FromDateTime(local);
        if (IsWorkingDay(date))
        {
            return new DateTimeOffset(local, UtcOffset);
        }

        var workingDay = NextWorkingDay(date);
        var sessions = Sessions(workingDay);
        var time = TimeOnly.FromDateTime(local);
        var first = sessions[0].Start;
        var last = sessions[^1].End;
        var clamped = time < first ? first : time > last ? last : time;
        return ToInstant(workingDay, clamped);
    }

    /// <summary>Working minutes in [<paramref name="from"/>, <paramref name="to"/>); 0 if to ≤ from.</summary>
    /// <remarks>Inverse of <see cref="AddWorkingMinutes"/>: WorkingMinutesBetween(s, AddWorkingMinutes(s, m)) == m.</remarks>
    public long WorkingMinutesBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return 0;
        }

        var fromLocal = ToLocal(from);
        var toLocal = ToLocal(to);
        var lastDate = DateOnly.FromDateTime(toLocal);
        long ticks = 0;
        for (var date = DateOnly.FromDateTime(fromLocal); date <= lastDate; date = date.AddDays(1))
        {
            var sessions = Sessions(date);
            for (var i = 0; i < sessions.Count; i++)
            {
                var sessionStart = date.ToDateTime(sessions[i].Start);
                var sessionEnd = date.ToDateTime(sessions[i].End);
                var overlapStart = sessionStart > fromLocal ? sessionStart : fromLocal;
                var overlapEnd = sessionEnd < toLocal ? sessionEnd : toLocal;
                if (overlapEnd > overlapStart)
                {
                    ticks += (overlapEnd - overlapStart).Ticks;
                }
            }
        }

        return ticks / TimeSpan.TicksPerMinute;
    }

    /// <summary>
    /// <see cref="WorkingMinutesBetween"/> in working days of <see cref="HoursPerWorkingDay"/> (the calendar's
    /// sessions), rounded to 2 decimals (half away from zero, as reports expect).
    /// </summary>
    public decimal WorkingDaysBetween(DateTimeOffset from, DateTimeOffset to) =>
        Math.Round(WorkingMinutesBetween(from, to) / (HoursPerWorkingDay * 60m), 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The instant from which processing time counts: a dossier received on a working day before
    /// <paramref name="cutOff"/> and before the end of that day's work counts from the next working
    /// instant; one received at or after the cut-off, after the last session, or on a day off counts
    /// from the first session of the next working day.
    /// </summary>
    public DateTimeOffset ApplyCutOff(DateTimeOffset received, TimeOnly cutOff)
    {
        var local = ToLocal(received);
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        var sessions = Sessions(date);
        if (sessions.Count > 0 && time < cutOff && time < sessions[^1].End)
        {
            var position = Normalise(local);
            return ToInstant(position.Date, position.Time);
        }

        var next = NextWorkingDay(date);
        return ToInstant(next, Sessions(next)[0].Start);
    }

    /// <summary>End of the last session of the working day of <paramref name="t"/> (normalised to a working instant first).</summary>
    public DateTimeOffset EndOfWorkingDay(DateTimeOffset t)
    {
        var position = Normalise(ToLocal(t));
        return ToInstant(position.Date, Sessions(position.Date)[^1].End);
    }

    /// <summary>
    /// Due time of a same-day procedure: "received before the cut-off, result the same day;
    /// after it, the next working day".
    /// </summary>
    public DateTimeOffset SameDayDue(DateTimeOffset received, TimeOnly cutOff) =>
        EndOfWorkingDay(ApplyCutOff(received, cutOff));

    private DateTimeOffset AddWorkingTicks(DateTimeOffset start, long ticks)
    {
        var position = Normalise(ToLocal(start));
        var date = position.Date;
        var index = position.Index;
        var time = position.Time;
        var remaining = ticks;
        while (true)
        {
            var session = Sessions(date)[index];
            var available = (session.End - time).Ticks;
            if (remaining <= available)
            {
                // `<=` keeps a result that fills the session exactly at its end.
                return ToInstant(date, new TimeOnly(time.Ticks + remaining));
            }

            remaining -= available;
            (date, index) = NextSession(date, index);
            time = Sessions(date)[index].Start;
        }
    }

    /// <summary>The working instant at or after <paramref name="local"/>, as a session position.</summary>
    private SessionPosition Normalise(DateTime local)
    {
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        var sessions = Sessions(date);
        for (var i = 0; i < sessions.Count; i++)
        {
            if (time < sessions[i].End)
            {
                return new SessionPosition(date, i, time < sessions[i].Start ? sessions[i].Start : time);
            }
        }

        var next = NextWorkingDay(date);
        return new SessionPosition(next, 0, Sessions(next)[0].Start);
    }

    private (DateOnly Date, int Index) NextSession(DateOnly date, int index) =>
        index + 1 < Sessions(date).Count ? (date, index + 1) : (NextWorkingDay(date), 0);

    private (DateOnly Date, TimeOnly End) PreviousWorkingDayEnd(DateOnly before)
    {
        for (var i = 1; i <= MaxDaysWithoutWorkingDay; i++)
        {
            var date = before.AddDays(-i);
            var sessions = Sessions(date);
            if (sessions.Count > 0)
            {
                return (date, sessions[^1].End);
            }
        }

        throw new InvalidOperationException(
            $"The calendar has no working days in the {MaxDaysWithoutWorkingDay} days before {Format(before)}.");
    }

    private static decimal UsualDayHours(ReadOnlyCollection<WorkingSession>[] weeklySessions)
    {
        DayOfWeek[] mondayFirst = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
        var lengths = mondayFirst
            .Select(day => weeklySessions[(int)day].Aggregate(TimeSpan.Zero, (sum, session) => sum + session.Duration))
            .Where(length => length > TimeSpan.Zero)
            .ToList();
        if (lengths.Count == 0)
        {
            return 8m;
        }

        // GroupBy keeps first-appearance order, and OrderByDescending is stable: Monday wins a tie.
        var usual = lengths.GroupBy(length => length).OrderByDescending(g => g.Count()).First().Key;
        return (decimal)usual.Ticks / TimeSpan.TicksPerHour;
    }

    private DateOnly NextWorkingDay(DateOnly after)
    {
        for (var i = 1; i <= MaxDaysWithoutWorkingDay; i++)
        {
            var date = after.AddDays(i);
            if (Sessions(date).Count > 0)
            {
                return date;
            }
        }

        throw new CalendarRangeException(
            $"The calendar has no working days in the {MaxDaysWithoutWorkingDay} days after {Format(after)}.");
    }

    private ReadOnlyCollection<WorkingSession> Sessions(DateOnly date)
    {
        if (_holidays.Contains(date))
        {
            return NoSessions;
        }

        return _workedDays.Contains(date) ? _workedDaySessions : _weeklySessions[(int)date.DayOfWeek];
    }

    private DateTime ToLocal(DateTimeOffset t) => t.ToOffset(UtcOffset).DateTime;

    private DateTimeOffset ToInstant(DateOnly date, TimeOnly time) =>
        new(date.ToDateTime(time), UtcOffset);

    private static ReadOnlyCollection<WorkingSession> ValidatedCopy(
        IReadOnlyList<WorkingSession>? sessions, string owner, string paramName)
    {
        if (sessions is null)
        {
            throw new ArgumentException($"Sessions for {owner} must not be null.", paramName);
        }

        var copy = new WorkingSession[sessions.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = sessions[i] ?? throw new ArgumentException($"Session {i} for {owner} is null.", paramName);
            if (i > 0 && copy[i].Start < copy[i - 1].End)
            {
                throw new ArgumentException(
                    $"Sessions for {owner} must be sorted and must not overlap: {copy[i - 1]} and {copy[i]}.", paramName);
            }
        }

        return copy.Length == 0 ? NoSessions : new ReadOnlyCollection<WorkingSession>(copy);
    }

    private static string Format(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>A working instant: a date, the index of a session on it, and a time inside that session.</summary>
    private readonly record struct SessionPosition(DateOnly Date, int Index, TimeOnly Time);
}
