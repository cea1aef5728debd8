using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;

namespace Workflows.Host.Calendars;

/// <summary>Section "Deadlines": the cut-off rule for receipts late in the day (local practice, so configuration).</summary>
internal sealed class DeadlinesOptions
{
    public const string Section = "Deadlines";

    /// <summary>Local time (UTC+7) after which a receipt counts from the next working day. Default 15:00.</summary>
    public string CutOff { get; set; } = "15:00";

    /// <summary>SameDayOnly (default): only same-day procedures; All: every procedure.</summary>
    public string CutOffScope { get; set; } = nameof(Engine.Deadlines.CutOffScope.SameDayOnly);

    public static CutOffRule Rule(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<DeadlinesOptions>() ?? new DeadlinesOptions();
        if (!TimeOnly.TryParseExact(options.CutOff, ["HH:mm", "H:mm", "HH:mm:ss"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
        {
            throw new InvalidOperationException($"Deadlines:CutOff '{options.CutOff}' is not a time of day such as 15:00.");
        }

        if (!Enum.TryParse<CutOffScope>(options.CutOffScope, ignoreCase: true, out var scope) || !Enum.IsDefined(scope))
        {
            throw new InvalidOperationException($"Deadlines:CutOffScope '{options.CutOffScope}' is not SameDayOnly or All.");
        }

        return new CutOffRule(time, scope);
    }
}

/// <summary>The working calendar from &lt;definitions&gt;/calendars/*.json (one file per year).</summary>
internal static partial class CalendarLoader
{
    /// <summary>Builds the calendar (and the cut-off rule) at start-up, so a bad file stops the Host before any request.</summary>
    public static void LoadWorkingCalendar(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _ = services.GetRequiredService<WorkingCalendar>();
        _ = services.GetRequiredService<CutOffRule>();
    }

    /// <summary>
    /// Every year file of the folder merged into one calendar; <see cref="WorkingCalendar.Standard"/> (no holidays)
    /// with a warning when there is none. A file that cannot be read stops start-up: wrong deadlines are worse.
    /// </summary>
    public static WorkingCalendar Load(string definitionsPath, ILogger logger)
    {
        var folder = Path.Combine(definitionsPath, "calendars");
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            LogNoCalendar(logger, folder);
            return WorkingCalendar.Standard();
        }

        var years = new List<CalendarFile>();
        foreach (var file in files)
        {
            try
            {
                years.Add(CalendarFile.Parse(File.ReadAllText(file)));
            }
            catch (CalendarFileException ex)
            {
                throw new InvalidOperationException($"Calendar file {file} is not valid at {ex.Path}: {ex.Reason}", ex);
            }
        }

        var loaded = string.Join(", ", years.Select(y => y.Year).Order());
        LogCalendarLoaded(logger, loaded, folder);
        return CalendarFile.ToCalendar(years);
    }

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "No calendar files in {Folder}: using the standard week (Mon-Fri 07:30-11:30, 13:30-17:00) with NO public holidays")]
    private static partial void LogNoCalendar(ILogger logger, string folder);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Working calendar for {Years} loaded from {Folder}")]
    private static partial void LogCalendarLoaded(ILogger logger, string years, string folder);
}
