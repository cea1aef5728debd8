using System.Globalization;
using Workflows.Engine.Calendar;

namespace Workflows.Host.Deadlines;

/// <summary>Section "Deadlines" (shared with the cut-off rule): the late-warning window and the sweep.</summary>
internal sealed class DeadlineFlowOptions
{
    public const string Section = "Deadlines";

    /// <summary>
    /// Working time before a due time at which the responsible department is warned: "1d" (working days of
    /// the calendar's conventional 8 hours), "8h" or "90m". Default 1 working day.
    /// </summary>
    public string WarnBefore { get; set; } = "1d";

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most tasks, and most dossiers, handled by one sweep.</summary>
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
}
