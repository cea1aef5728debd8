using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;

namespace Workflows.Host.Persistence;

/// <summary>
/// What the reports need from a task or dossier, computed once when it happens (a task completes, a dossier completes
/// or is received) and stored on its row, so statistics count and rank in SQL instead of reading every row into the
/// Host. The same functions fill rows that were written without them (Reports.ReportFacts).
/// </summary>
internal static class StoredFacts
{
    /// <summary><c>timeliness</c>: finished on a local day before the due day.</summary>
    public const int Early = 0;

    /// <summary><c>timeliness</c>: finished on the due day, by the due instant.</summary>
    public const int OnTime = 1;

    /// <summary><c>timeliness</c>: finished after the due instant.</summary>
    public const int Late = 2;

    /// <summary>The timeliness code of an item due at <paramref name="due"/> and finished at <paramref name="finished"/> (<see cref="Sla.Classify"/>).</summary>
    public static int Timeliness(WorkingCalendar calendar, DateTimeOffset due, DateTimeOffset finished) =>
        Sla.Classify(calendar, StoredValues.Instant(due), StoredValues.Instant(finished), finished) switch
        {
            SlaState.Early => Early,
            SlaState.Late => Late,
            _ => OnTime,
        };

    /// <summary>A completed task's working minutes (opened → closed), allotted minutes (opened → due) and timeliness.</summary>
    public static (long Worked, long Allotted, int Timeliness) CompletedTask(WorkingCalendar calendar, DateTimeOffset openedAt, DateTimeOffset dueAt, DateTimeOffset closedAt)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var opened = StoredValues.Instant(openedAt);
        var due = StoredValues.Instant(dueAt);
        var closed = StoredValues.Instant(closedAt);
        return (calendar.WorkingMinutesBetween(opened, closed), calendar.WorkingMinutesBetween(opened, due), Timeliness(calendar, due, closed));
    }

    /// <summary>How many documents a dossier's documents JSON lists (0 for anything but a JSON array).</summary>
    public static int DocumentCount(string documentsJson)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(documentsJson);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array ? document.RootElement.GetArrayLength() : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0;
        }
    }
}
