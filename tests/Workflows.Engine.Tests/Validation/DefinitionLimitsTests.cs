using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Validation;

/// <summary>
/// A definition that validates can always be started: its times fit the calendar's maths and its texts fit the
/// columns they are copied into. Node indices of <see cref="DefinitionBuilder.Valid"/>: receive 1, review 2.
/// </summary>
public class DefinitionLimitsTests
{
    private static IReadOnlyList<ValidationProblem> Validate(DefinitionBuilder builder) =>
        DefinitionValidator.Validate(builder.Build(), DefinitionBuilder.Context);

    public static TheoryData<decimal, TimeUnit> HugeLimits => new()
    {
        { 10_000_000m, TimeUnit.WorkingDays },
        { 5_000_000m, TimeUnit.CalendarDays },
        { 7.9e28m, TimeUnit.WorkingHours },
        { 7.9e28m, TimeUnit.WorkingDays },
        { 3650.5m, TimeUnit.WorkingDays },
        { 29_200.5m, TimeUnit.WorkingHours },
    };

    [Theory]
    [MemberData(nameof(HugeLimits))]
    public void Time_limits_longer_than_the_calendar_can_count_are_refused(decimal value, TimeUnit unit)
    {
        var limit = new TimeLimit(value, unit);
        var builder = DefinitionBuilder.Valid();
        builder.Legal = limit;
        builder.Committed = limit;
        builder.Change("review", node => ((StepNode)node) with { AllottedTime = limit });

        var problems = Validate(builder);

        Assert.Contains(problems, p => p.Path == "$.legalTimeLimit.value" && p.Code == ProblemCodes.InvalidValue);
        Assert.Contains(problems, p => p.Path == "$.committedTimeLimit.value" && p.Code == ProblemCodes.InvalidValue);
        Assert.Contains(problems, p => p.Path == "$.flowchart.nodes[2].allottedTime.value" && p.Code == ProblemCodes.InvalidValue);
    }

    [Fact]
    public void Ten_years_is_the_longest_limit_and_a_dossier_can_be_counted_on_it()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Legal = TimeLimit.Days(DefinitionLimits.MaxDays);
        builder.Committed = new TimeLimit(DefinitionLimits.MaxDays, TimeUnit.CalendarDays);

        Assert.Empty(Validate(builder));
        var due = new CalendarDeadlines(WorkingCalendar.Standard()).Add(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7)), builder.Legal);
        Assert.Equal(2040, due.Year);
    }

    [Fact]
    public void A_due_time_past_the_last_date_is_a_calendar_range_problem_not_an_overflow()
    {
        var deadlines = new CalendarDeadlines(WorkingCalendar.Standard());
        var late = new DateTimeOffset(9999, 6, 1, 9, 0, 0, TimeSpan.FromHours(7));

        Assert.Throws<CalendarRangeException>(() => deadlines.Add(late, new TimeLimit(3650m, TimeUnit.CalendarDays)));
        Assert.Throws<CalendarRangeException>(() => deadlines.Add(late, TimeLimit.Days(3650m)));
        Assert.Throws<CalendarRangeException>(() => deadlines.Add(late, TimeLimit.Hours(29_200m)));
        // A limit stored before the validator bounded it fails at once instead of walking the calendar for minutes.
        Assert.Throws<CalendarRangeException>(() => deadlines.Add(DateTimeOffset.UnixEpoch, TimeLimit.Days(10_000_000m)));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("1.001193/x")]
    [InlineData(".hidden")]
    [InlineData("mã-thủ-tục")]
    [InlineData("1 001193")]
    public void Codes_outside_the_national_code_characters_are_refused(string code)
    {
        var builder = DefinitionBuilder.Valid();
        builder.Code = code;

        var problem = Assert.Single(Validate(builder));
        Assert.Equal(("$.code", ProblemCodes.InvalidValue), (problem.Path, problem.Code));
        Assert.Single(DefinitionValidator.StorageProblems(builder.Build()));
    }

    [Theory]
    [InlineData("1.001193")]
    [InlineData("T.0001")]
    [InlineData("BENCH_1-a")]
    public void National_and_local_codes_are_accepted(string code)
    {
        var builder = DefinitionBuilder.Valid();
        builder.Code = code;

        Assert.Empty(Validate(builder));
    }

    [Fact]
    public void Texts_longer_than_their_columns_are_refused_at_their_paths()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Code = "1." + new string('0', DefinitionLimits.CodeLength);
        builder.Name = new string('n', DefinitionLimits.NameLength + 1);
        var longId = new string('i', DefinitionLimits.IdLength + 1);
        builder.Change("review", node => ((StepNode)node) with
        {
            Name = new string('s', DefinitionLimits.NameLength + 1),
            Role = new string('r', DefinitionLimits.IdLength + 1),
        });
        builder.Add(new WaitNode { Id = longId, Signal = new string('w', DefinitionLimits.IdLength + 1) });

        var paths = Validate(builder).Where(p => p.Code == ProblemCodes.InvalidValue).Select(p => p.Path).ToHashSet();

        var wait = builder.IndexOf(longId);
        Assert.Superset(
            new HashSet<string> { "$.code", "$.name", "$.flowchart.nodes[2].name", "$.flowchart.nodes[2].role", $"$.flowchart.nodes[{wait}].id", $"$.flowchart.nodes[{wait}].signal" },
            paths);
    }
}
