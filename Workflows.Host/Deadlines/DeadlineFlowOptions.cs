using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Workflows.Engine.Calendar;

namespace Workflows.Host.Deadlines;

/// <summary>Section "Deadlines" (shared with the cut-off rule): the late-warning window and the sweep.</summary>
internal sealed class DeadlineFlowOptions : IValidatableObject
{
    public const string Section = "Deadlines";

    /// <summary>
    /// Working time before a due time at which the responsible department is warned: "1d" (working days of
    /// the calendar's conventional 8 hours), "8h" or "90m". Default 1 working day.
    /// </summary>
    public string WarnBefore { get; set; } = "1d";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be a time span between 00:00:01 and 1.00:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After a calendar edit, when every open due time is counted again on it: by then every node has reloaded the
    /// calendar (each does at every sweep) and a due time another node counted on the calendar before has committed.
    /// Never less than two sweep intervals (<see cref="RecountAfterEdit"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be a time span between 00:00:01 and 1.00:00:00.")]
    public TimeSpan CalendarRecountDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The delay from an edit to its recount: <see cref="CalendarRecountDelay"/>, but at least two sweeps, since a node
    /// reloads the calendar only when it sweeps and a request that read the calendar before may still be committing.
    /// </summary>
    public TimeSpan RecountAfterEdit => CalendarRecountDelay > 2 * SweepInterval ? CalendarRecountDelay : 2 * SweepInterval;

    /// <summary>Most tasks, and most dossiers, handled by one sweep.</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000.")]
    public int BatchSize { get; set; } = 500;

    public long WarnBeforeMinutes(WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var text = (WarnBefore ?? string.Empty).Trim();
        if (text.Length >= 2
            && decimal.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value >= 0)
        {
            var minutes = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => value * calendar.HoursPerWorkingDay * 60m,
                'h' => value * 60m,
                'm' => value,
                _ => -1m,
            };
            if (minutes >= 0)
            {
                return (long)Math.Round(minutes, MidpointRounding.AwayFromZero);
            }
        }

        throw new InvalidOperationException($"Deadlines:WarnBefore '{WarnBefore}' is not a working time such as 1d, 8h or 90m.");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Checked against the standard week: the unit "d" is the calendar's working day, whatever the calendar.
        string? problem = null;
        try
        {
            _ = WarnBeforeMinutes(WorkingCalendar.Standard());
        }
        catch (InvalidOperationException)
        {
            problem = $"'{WarnBefore}' is not a working time such as 1d, 8h or 90m.";
        }

        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(WarnBefore)]);
        }
    }
}
