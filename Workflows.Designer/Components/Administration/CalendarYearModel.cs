using Workflows.Engine.Calendar;

namespace Workflows.Designer.Components.Administration;

/// <summary>What a day of the year is on the calendar being edited.</summary>
public enum CalendarDayState
{
    /// <summary>A weekday with working sessions.</summary>
    Working,

    /// <summary>A day the week has no sessions for (Saturday, Sunday by default).</summary>
    Weekend,

    /// <summary>A holiday or bridge day off.</summary>
    DayOff,

    /// <summary>A weekend day worked (làm bù), usually a Saturday.</summary>
    WorkedDay,
}

/// <summary>
/// One calendar year being edited in the Designer: the Host's calendar file with its days off and worked days as
/// editable lists. Marking a day replaces what was there; <see cref="ToFile"/> gives the file to preview and save.
/// </summary>
public sealed class CalendarYearModel(CalendarFile file)
{
    private readonly List<CalendarDayOff> daysOff = [.. file.Holidays];
    private readonly List<CalendarWorkedDay> workedDays = [.. file.WorkedDays];

    public int Year => file.Year;

    /// <summary>The year itself is provisional (its holidays not yet announced).</summary>
    public bool Provisional => file.Provisional;

    /// <summary>True once a day was marked or cleared since the file was loaded.</summary>
    public bool Changed { get; private set; }

    public CalendarDayState StateOf(DateOnly date)
    {
        if (daysOff.Any(d => d.Date == date))
        {
            return CalendarDayState.DayOff;
        }

        if (workedDays.Any(d => d.Date == date))
        {
            return CalendarDayState.WorkedDay;
        }

        return HasSessions(date.DayOfWeek) ? CalendarDayState.Working : CalendarDayState.Weekend;
    }

    /// <summary>A day off or worked day not confirmed by an official announcement yet.</summary>
    public bool IsProvisional(DateOnly date) =>
        daysOff.Any(d => d.Date == date && d.Provisional) || workedDays.Any(d => d.Date == date && d.Provisional);

    /// <summary>The name of the day off or worked day, if it has one.</summary>
    public string? NameOf(DateOnly date) =>
        daysOff.FirstOrDefault(d => d.Date == date)?.Name ?? workedDays.FirstOrDefault(d => d.Date == date)?.Name;

    /// <summary>Makes a working day a day off (a bridge day by default: the centre's own decision, not a public holiday).</summary>
    public void MarkDayOff(DateOnly date, string name, DayOffKind kind = DayOffKind.Bridge)
    {
        Clear(date);
        daysOff.Add(new CalendarDayOff(date, name, kind, Provisional: false));
        Changed = true;
    }

    /// <summary>Makes a weekend day a worked day (làm bù).</summary>
    public void MarkWorkedDay(DateOnly date, string name)
    {
        Clear(date);
        workedDays.Add(new CalendarWorkedDay(date, name, Provisional: false));
        Changed = true;
    }

    /// <summary>Back to what the week says for that day.</summary>
    public void Clear(DateOnly date)
    {
        Changed |= daysOff.RemoveAll(d => d.Date == date) + workedDays.RemoveAll(d => d.Date == date) > 0;
    }

    /// <summary>The edited year as a calendar file (days in date order), to preview and save.</summary>
    public CalendarFile ToFile() => file with
    {
        Holidays = [.. daysOff.OrderBy(d => d.Date)],
        // A worked day that replaced a day now cleared keeps working; what it replaced is only a note.
        WorkedDays = [.. workedDays.OrderBy(d => d.Date)],
    };

    public bool HasSessions(DayOfWeek day) => (day switch
    {
        DayOfWeek.Monday => file.Sessions.Monday,
        DayOfWeek.Tuesday => file.Sessions.Tuesday,
        DayOfWeek.Wednesday => file.Sessions.Wednesday,
        DayOfWeek.Thursday => file.Sessions.Thursday,
        DayOfWeek.Friday => file.Sessions.Friday,
        DayOfWeek.Saturday => file.Sessions.Saturday,
        _ => file.Sessions.Sunday,
    }) is { Count: > 0 };
}
