using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;

namespace Workflows.Host.Calendars;

/// <summary>The years a calendar is built from, and where each came from.</summary>
internal sealed record CalendarSet(
    WorkingCalendar Calendar,
    IReadOnlyDictionary<int, CalendarFile> Years,
    IReadOnlyDictionary<int, CalendarRow> Stored);

/// <summary>
/// Holds the working calendar the engine and the APIs use. Built at start-up from
/// &lt;definitions&gt;/calendars/*.json, then from the <c>calendars</c> table whose years override the files;
/// <see cref="Swap"/> replaces it atomically when an administrator edits a year. Readers take
/// <see cref="Current"/> each time they need it (the DI registration of <see cref="WorkingCalendar"/> is transient
/// and reads it).
/// </summary>
internal sealed class CalendarProvider
{
    private readonly IReadOnlyDictionary<int, CalendarFile> files;
    private CalendarSet set;

    public CalendarProvider(IReadOnlyDictionary<int, CalendarFile> files, WorkingCalendar fromFiles)
    {
        this.files = files;
        set = new CalendarSet(fromFiles, files, new Dictionary<int, CalendarRow>());
    }

    /// <summary>Writers (calendar edits) hold this while they store a year, recompute due times and swap.</summary>
    public SemaphoreSlim EditLock { get; } = new(1, 1);

    public WorkingCalendar Current => Volatile.Read(ref set).Calendar;

    public CalendarSet Snapshot => Volatile.Read(ref set);

    /// <summary>The calendar the files and <paramref name="stored"/> years (which win) make, without swapping it in.</summary>
    public CalendarSet Build(IReadOnlyDictionary<int, CalendarRow> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var years = new Dictionary<int, CalendarFile>(files);
        foreach (var (year, row) in stored)
        {
            years[year] = CalendarFile.Parse(row.Json);
        }

        var calendar = years.Count == 0 ? WorkingCalendar.Standard() : CalendarFile.ToCalendar(years.Values);
        return new CalendarSet(calendar, years, stored);
    }

    public void Swap(CalendarSet next) => Volatile.Write(ref set, next ?? throw new ArgumentNullException(nameof(next)));

    /// <summary>The year files of the folder, parsed; a bad file stops start-up.</summary>
    public static CalendarProvider FromFolder(string definitionsPath, ILogger logger)
    {
        var calendar = CalendarLoader.Load(definitionsPath, logger);
        var folder = Path.Combine(definitionsPath, "calendars");
        var years = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json")
                .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
                .Select(f => CalendarFile.Parse(File.ReadAllText(f)))
                .ToDictionary(f => f.Year)
            : [];
        return new CalendarProvider(years, calendar);
    }

    /// <summary>Reads the stored years and swaps them in; <c>true</c> when they differ from the ones in use.</summary>
    public async Task<bool> ReloadAsync(WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await db.Set<CalendarRow>().AsNoTracking().ToDictionaryAsync(c => c.Year, cancellationToken);
        var current = Snapshot.Stored;
        if (stored.Count == current.Count && stored.All(s => current.TryGetValue(s.Key, out var c) && c.UpdatedAt == s.Value.UpdatedAt))
        {
            return false;
        }

        await EditLock.WaitAsync(cancellationToken);
        try
        {
            Swap(Build(stored));
        }
        finally
        {
            EditLock.Release();
        }

        return true;
    }
}

/// <summary>The engine's deadline calculator on whatever calendar is current.</summary>
internal sealed class CurrentCalendarDeadlines(CalendarProvider calendars, Engine.Deadlines.CutOffRule cutOff) : IDeadlineCalculator
{
    public DateTimeOffset Add(DateTimeOffset start, TimeLimit limit) => new CalendarDeadlines(calendars.Current, cutOff).Add(start, limit);

    public DateTimeOffset StepDue(DateTimeOffset opened, TimeLimit allotted) => new CalendarDeadlines(calendars.Current, cutOff).StepDue(opened, allotted);

    public long? WorkingMinutesBetween(DateTimeOffset start, DateTimeOffset until) => calendars.Current.WorkingMinutesBetween(start, until);

    public DateTimeOffset AddWorkingMinutes(DateTimeOffset start, long minutes) => calendars.Current.AddWorkingMinutes(start, minutes);
}
