using System.Globalization;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Deadlines;

/// <summary>
/// docs/time-rules.md's worked examples, each computed with the engine's calendar maths on the repository's calendar
/// (definitions/calendars) and the default cut-off, so the document says what the Host does.
/// </summary>
public class TimeRulesDocumentTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Fact]
    public void Every_worked_example_of_the_time_rules_is_what_the_engine_computes()
    {
        var calendar = RepositoryCalendar();
        var rows = Table("examples");
        Assert.True(rows.Count >= 15, $"Expected the worked examples table, found {rows.Count} rows.");

        foreach (var row in rows)
        {
            var (kind, start, limit, countingFrom, due) = (row[0], Instant(row[1]), Limit(row[2]), Instant(row[3]), Instant(row[4]));
            if (kind == "dossier")
            {
                var procedure = Procedure("T.DOC", [Start(), End()], [C("start", "end")]) with { CommittedTimeLimit = limit, LegalTimeLimit = limit };
                var appointment = AppointmentCalculator.Compute(procedure, Channel.InPerson, start, calendar, CutOffRule.Default);
                Assert.True((countingFrom, due) == (appointment.CountingFrom, appointment.Due),
                    $"{string.Join(" | ", row)}: the engine counts from {appointment.CountingFrom:yyyy-MM-dd HH:mm} and is due {appointment.Due:yyyy-MM-dd HH:mm}.");
            }
            else
            {
                Assert.Equal("step", kind);
                var stepDue = new CalendarDeadlines(calendar, CutOffRule.Default).StepDue(start, limit);
                Assert.True(countingFrom == start && due == stepDue, $"{string.Join(" | ", row)}: the engine makes the step due {stepDue:yyyy-MM-dd HH:mm}.");
            }
        }
    }

    [Fact]
    public void Every_supplement_example_of_the_time_rules_is_what_the_engine_computes()
    {
        var calendar = RepositoryCalendar();
        var rows = Table("supplements");
        Assert.Equal(2, rows.Count);

        foreach (var row in rows)
        {
            var policy = Enum.Parse<SupplementClockPolicy>(row[0], ignoreCase: true);
            var (received, limit, appointment, requested, supplied, moved) = (Instant(row[1]), Limit(row[2]), Instant(row[3]), Instant(row[4]), Instant(row[5]), Instant(row[6]));
            var procedure = Procedure("T.DOC", [Start(), End()], [C("start", "end")]) with { CommittedTimeLimit = limit, LegalTimeLimit = limit };
            var first = AppointmentCalculator.Compute(procedure, Channel.InPerson, received, calendar, CutOffRule.Default).Due;
            var recomputed = SupplementClock.Recompute(new SupplementPolicy { Clock = policy }, limit, first, [new PausedPeriod(requested, supplied, "supplementReceived")], calendar);
            Assert.True((appointment, moved) == (first, recomputed), $"{string.Join(" | ", row)}: the engine gives {first:yyyy-MM-dd HH:mm} then {recomputed:yyyy-MM-dd HH:mm}.");
        }
    }

    private static WorkingCalendar RepositoryCalendar() =>
        CalendarFile.ToCalendar(Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "definitions", "calendars"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Select(f => CalendarFile.Parse(File.ReadAllText(f))));

    /// <summary>The body rows of the table between &lt;!-- name:start --&gt; and &lt;!-- name:end --&gt;, as trimmed cells.</summary>
    private static List<string[]> Table(string name)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "time-rules.md"));
        var start = text.IndexOf($"<!-- {name}:start -->", StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- {name}:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/time-rules.md has no {name} table.");
        return [.. text[start..end].Split('\n')
            .Where(line => line.StartsWith('|'))
            .Skip(2) // the header and the separator
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())];
    }

    /// <summary>"Mon 2026-03-02 09:00", local time; the weekday must be right too.</summary>
    private static DateTimeOffset Instant(string text)
    {
        var local = DateTime.ParseExact(text, "ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, Vietnam);
    }

    /// <summary>"5 working days", "4 working hours", "30 calendar days".</summary>
    private static TimeLimit Limit(string text)
    {
        var parts = text.Split(' ', 2);
        var unit = parts[1] switch
        {
            "working days" => TimeUnit.WorkingDays,
            "working hours" => TimeUnit.WorkingHours,
            "calendar days" => TimeUnit.CalendarDays,
            _ => throw new FormatException($"Unknown unit in '{text}'."),
        };
        return new TimeLimit(decimal.Parse(parts[0], CultureInfo.InvariantCulture), unit);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
    }
}
