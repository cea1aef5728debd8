using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Validation;

/// <summary>
/// One mistake in an otherwise valid definition gives exactly that problem at its path. Node indices of
/// <see cref="DefinitionBuilder.Valid"/>: start 0, receive 1, review 2, decide 3, notify 4, issued 5, refused 6;
/// it has 7 connections, so an added connection is number 7.
/// </summary>
public class DefinitionValidatorTests
{
    private static IReadOnlyList<ValidationProblem> Validate(DefinitionBuilder builder) =>
        DefinitionValidator.Validate(builder.Build(), DefinitionBuilder.Context);

    private static ValidationProblem SingleProblem(DefinitionBuilder builder)
    {
        var problems = Validate(builder);
        return Assert.Single(problems);
    }

    private static void AssertSingle(DefinitionBuilder builder, string code, string path)
    {
        var problem = SingleProblem(builder);
        Assert.Equal((code, path), (problem.Code, problem.Path));
    }

    private static void AssertProblems(DefinitionBuilder builder, params (string Code, string Path)[] expected) =>
        Assert.Equal(
            expected.OrderBy(p => p.Path, StringComparer.Ordinal).ThenBy(p => p.Code, StringComparer.Ordinal),
            Validate(builder).Select(p => (p.Code, p.Path)).OrderBy(p => p.Path, StringComparer.Ordinal).ThenBy(p => p.Code, StringComparer.Ordinal));

    [Fact]
    public void Valid_definition_has_no_problems()
    {
        Assert.Empty(Validate(DefinitionBuilder.Valid()));
        Assert.Empty(DefinitionValidator.Validate(DefinitionBuilder.Valid().Build()));
    }

    [Fact]
    public void Unconnected_returnToPrevious_and_needsSupplement_are_handled_by_the_engine()
    {
        var review = (StepNode)DefinitionBuilder.Valid().Build().Flowchart.Nodes[2];

        Assert.Contains(Outcomes.ReturnToPrevious, review.Outcomes);
        Assert.Contains(Outcomes.NeedsSupplement, review.Outcomes);
        Assert.Empty(Validate(DefinitionBuilder.Valid()));
    }

    [Fact]
    public void Return_to_previous_on_a_step_that_can_be_first_needs_a_connection()
    {
        var builder = new DefinitionBuilder()
            .Start()
            .Step("receive", 0.5m, DefinitionBuilder.Department, Outcomes.Approved, Outcomes.ReturnToPrevious)
            .End("issued")
            .Connect("start", "receive")
            .Connect("receive", "issued", Outcomes.Approved);

        AssertSingle(builder, ProblemCodes.OutcomeNotConnected, "$.flowchart.nodes[1].outcomes[1]");
    }

    [Fact]
    public void Empty_code_is_required()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Code = " ";

        AssertSingle(builder, ProblemCodes.Required, "$.code");
    }

    [Fact]
    public void Empty_name_is_required()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Name = "";

        AssertSingle(builder, ProblemCodes.Required, "$.name");
    }

    [Fact]
    public void Version_below_one_is_invalid()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Version = 0;

        AssertSingle(builder, ProblemCodes.InvalidValue, "$.version");
    }

    [Fact]
    public void Negative_committed_limit_is_invalid()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = TimeLimit.Days(-1);

        AssertSingle(builder, ProblemCodes.InvalidValue, "$.committedTimeLimit.value");
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.25)]
    public void Working_days_that_are_not_whole_or_half_days_are_invalid(double days)
    {
        var builder = DefinitionBuilder.Valid()
            .Change("receive", n => ((StepNode)n) with { AllottedTime = TimeLimit.Days((decimal)days) });

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.InvalidValue, "$.flowchart.nodes[1].allottedTime.value"), (problem.Code, problem.Path));
        Assert.Contains("Step \"receive\" (Bước receive)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fractional_working_hours_are_fine()
    {
        var builder = DefinitionBuilder.Valid()
            .Change("receive", n => ((StepNode)n) with { AllottedTime = TimeLimit.Hours(2.5m) });

        Assert.Empty(Validate(builder));
    }

    [Fact]
    public void Step_without_department_is_reported_with_its_path_and_name()
    {
        var builder = DefinitionBuilder.Valid().Change("review", n => ((StepNode)n) with { Department = "" });

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.Required, "$.flowchart.nodes[2].department"), (problem.Code, problem.Path));
        Assert.Contains("Step \"review\" (Bước review)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("department", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_without_outcomes_is_reported_along_with_the_connections_naming_them()
    {
        var builder = DefinitionBuilder.Valid().Change("decide", n => ((DecisionNode)n) with { Outcomes = [] });

        AssertProblems(builder,
            (ProblemCodes.Required, "$.flowchart.nodes[3].outcomes"),
            (ProblemCodes.UnknownOutcome, "$.flowchart.connections[4].outcome"),
            (ProblemCodes.UnknownOutcome, "$.flowchart.connections[5].outcome"));
    }

    [Fact]
    public void Wait_without_signal_is_required()
    {
        var builder = DefinitionBuilder.Valid()
            .Add(new WaitNode { Id = "paid", Name = "Chờ nộp thuế", Signal = "" })
            .Disconnect("notify", "issued")
            .Connect("notify", "paid")
            .Connect("paid", "issued");

        AssertSingle(builder, ProblemCodes.Required, "$.flowchart.nodes[7].signal");
    }

    [Theory]
    [InlineData("", "sms", ProblemCodes.Required, "template")]
    [InlineData(DefinitionBuilder.Template, "", ProblemCodes.Required, "channel")]
    [InlineData(DefinitionBuilder.Template, "fax", ProblemCodes.InvalidValue, "channel")]
    [InlineData("khong-co", "email", ProblemCodes.UnknownTemplate, "template")]
    public void Notify_needs_a_known_template_and_a_channel(string template, string channel, string code, string field)
    {
        var builder = DefinitionBuilder.Valid()
            .Change("notify", n => ((NotifyNode)n) with { Template = template, Channel = channel });

        AssertSingle(builder, code, "$.flowchart.nodes[4]." + field);
    }

    [Fact]
    public void Duplicate_node_id_is_reported_at_the_second_occurrence()
    {
        var builder = DefinitionBuilder.Valid().End("issued");

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.DuplicateId, "$.flowchart.nodes[7].id"), (problem.Code, problem.Path));
        Assert.Contains("node 5", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_from_an_unknown_node_is_reported_at_its_from()
    {
        AssertSingle(DefinitionBuilder.Valid().Connect("ghost", "issued"), ProblemCodes.UnknownNode, "$.flowchart.connections[7].from");
    }

    [Fact]
    public void Connection_to_an_unknown_node_is_reported_at_its_to()
    {
        AssertSingle(DefinitionBuilder.Valid().Connect("notify", "nowhere"), ProblemCodes.UnknownNode, "$.flowchart.connections[7].to");
    }

    [Fact]
    public void Flowchart_without_start_is_reported_once()
    {
        var builder = DefinitionBuilder.Valid().Disconnect("start", "receive").Remove("start");

        AssertSingle(builder, ProblemCodes.NoStart, "$.flowchart.nodes");
    }

    [Fact]
    public void Second_start_is_reported()
    {
        var builder = DefinitionBuilder.Valid().Start("start2").Connect("start2", "receive");

        AssertSingle(builder, ProblemCodes.MultipleStarts, "$.flowchart.nodes[7]");
    }

    [Fact]
    public void Connection_into_the_start_is_reported_at_its_to()
    {
        AssertSingle(DefinitionBuilder.Valid().Connect("notify", "start"), ProblemCodes.InvalidValue, "$.flowchart.connections[7].to");
    }

    [Fact]
    public void Node_not_reachable_from_start_is_reported()
    {
        var builder = DefinitionBuilder.Valid()
            .Step("orphan", 1m)
            .Connect("orphan", "issued", Outcomes.Approved);

        AssertSingle(builder, ProblemCodes.Unreachable, "$.flowchart.nodes[7]");
    }

    [Fact]
    public void Node_without_outgoing_connection_is_a_dead_end()
    {
        var problem = SingleProblem(DefinitionBuilder.Valid().Disconnect("notify", "issued"));

        Assert.Equal((ProblemCodes.DeadEnd, "$.flowchart.nodes[4]"), (problem.Code, problem.Path));
        Assert.Contains("Notify \"notify\" (Báo nộp phí)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycle_without_exit_is_reported_once_at_its_first_node_naming_its_nodes()
    {
        var builder = DefinitionBuilder.Valid()
            .Step("a", 1m)
            .Step("b", 1m)
            .Disconnect("decide", "issued")
            .Connect("decide", "a", "false")
            .Connect("a", "b", Outcomes.Approved)
            .Connect("b", "a", Outcomes.Approved);

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.CycleWithoutExit, "$.flowchart.nodes[7]"), (problem.Code, problem.Path));
        Assert.Contains("Step \"a\"", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Step \"b\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_looping_to_itself_without_exit_is_a_cycle()
    {
        var builder = DefinitionBuilder.Valid()
            .Step("again", 1m)
            .Disconnect("decide", "issued")
            .Connect("decide", "again", "false")
            .Connect("again", "again", Outcomes.Approved);

        AssertSingle(builder, ProblemCodes.CycleWithoutExit, "$.flowchart.nodes[7]");
    }

    [Fact]
    public void Loop_with_a_way_out_is_fine()
    {
        var builder = DefinitionBuilder.Valid().Connect("review", "receive", Outcomes.ReturnToPrevious);

        Assert.Empty(Validate(builder));
    }

    [Fact]
    public void Fork_into_parallel_branches_and_join_is_fine()
    {
        var builder = DefinitionBuilder.Valid()
            .Add(new ForkNode { Id = "fork" })
            .Step("a", 1m)
            .Step("b", 2m)
            .Add(new JoinNode { Id = "join" })
            .Disconnect("review", "decide")
            .Connect("review", "fork", Outcomes.Approved)
            .Connect("fork", "a")
            .Connect("fork", "b")
            .Connect("a", "join", Outcomes.Approved)
            .Connect("b", "join", Outcomes.Approved)
            .Connect("join", "decide");

        Assert.Empty(Validate(builder));
    }

    [Fact]
    public void Join_of_decision_branches_without_fork_is_reported()
    {
        var builder = DefinitionBuilder.Valid()
            .Step("x", 1m)
            .Add(new JoinNode { Id = "join", Name = "Gộp" })
            .Disconnect("decide", "issued")
            .Disconnect("notify", "issued")
            .Connect("decide", "x", "false")
            .Connect("notify", "join")
            .Connect("x", "join", Outcomes.Approved)
            .Connect("join", "issued");

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.JoinWithoutFork, "$.flowchart.nodes[8]"), (problem.Code, problem.Path));
        Assert.Contains("Join \"join\" (Gộp)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_outcome_without_connection_is_reported_with_its_path()
    {
        var builder = DefinitionBuilder.Valid().Disconnect("review", "refused").Remove("refused");

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.OutcomeNotConnected, "$.flowchart.nodes[2].outcomes[1]"), (problem.Code, problem.Path));
        Assert.Contains("\"rejected\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_outcome_without_connection_is_reported_with_its_path()
    {
        AssertSingle(DefinitionBuilder.Valid().Disconnect("decide", "issued"), ProblemCodes.OutcomeNotConnected, "$.flowchart.nodes[3].outcomes[1]");
    }

    [Theory]
    [InlineData("review", null)]
    [InlineData("review", "refuse")]
    [InlineData("decide", "maybe")]
    [InlineData("notify", "sent")]
    [InlineData("start", "approved")]
    public void Connection_outcome_the_node_does_not_have_is_unknown(string from, string? outcome)
    {
        AssertSingle(DefinitionBuilder.Valid().Connect(from, "refused", outcome), ProblemCodes.UnknownOutcome, "$.flowchart.connections[7].outcome");
    }

    [Fact]
    public void End_with_outgoing_connection_is_reported_at_its_from()
    {
        AssertSingle(DefinitionBuilder.Valid().Connect("issued", "refused"), ProblemCodes.InvalidValue, "$.flowchart.connections[7].from");
    }

    [Fact]
    public void Unknown_departments_are_reported_for_step_forwarding_and_notify_recipient()
    {
        var builder = DefinitionBuilder.Valid()
            .Change("review", n => ((StepNode)n) with { Department = "phong-x", ForwardTo = [DefinitionBuilder.Department, "phong-y"] })
            .Change("notify", n => ((NotifyNode)n) with { Recipient = "phong-z" });

        AssertProblems(builder,
            (ProblemCodes.UnknownDepartment, "$.flowchart.nodes[2].department"),
            (ProblemCodes.UnknownDepartment, "$.flowchart.nodes[2].forwardTo[1]"),
            (ProblemCodes.UnknownDepartment, "$.flowchart.nodes[4].recipient"));
    }

    [Fact]
    public void References_are_not_checked_when_the_context_does_not_know_them()
    {
        var builder = DefinitionBuilder.Valid()
            .Change("review", n => ((StepNode)n) with { Department = "phong-x" })
            .Change("notify", n => ((NotifyNode)n) with { Template = "khong-co", Recipient = "phong-z" });

        Assert.Empty(DefinitionValidator.Validate(builder.Build()));
        Assert.Empty(DefinitionValidator.Validate(builder.Build(), new ValidationContext()));
    }

    [Theory]
    [InlineData("new Array(200000).join('ab').length > 0 ? 'a' : 'b'")]
    [InlineData("(function () { for (;;) {} })()")]
    [InlineData("'ab'.repeat(100000000).length > 0")]
    public void Expression_stopped_by_its_limits_without_any_dossier_data_is_refused(string expression)
    {
        var builder = DefinitionBuilder.Valid().Change("decide", n => ((DecisionNode)n) with { Expression = expression });

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.ExpressionExceedsLimits, "$.flowchart.nodes[3].expression"), (problem.Code, problem.Path));
        Assert.Contains("Decision \"decide\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expression_that_only_fails_without_dossier_data_is_accepted()
    {
        var builder = DefinitionBuilder.Valid().Change("decide", n => ((DecisionNode)n) with { Expression = "data.owner.fee > 0" });

        Assert.Empty(DefinitionValidator.Validate(builder.Build(), new ValidationContext()));
    }

    [Fact]
    public void Expression_that_does_not_compile_is_reported_with_the_parser_message()
    {
        var builder = DefinitionBuilder.Valid().Change("decide", n => ((DecisionNode)n) with { Expression = "data.fee >" });
        Workflows.Engine.Expressions.DecisionExpression.TryCompile("data.fee >", null, out var error);

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.ExpressionDoesNotCompile, "$.flowchart.nodes[3].expression"), (problem.Code, problem.Path));
        Assert.NotNull(error);
        Assert.Contains(error["The expression does not compile: ".Length..], problem.Message, StringComparison.Ordinal);
        Assert.Contains("Decision \"decide\" (Có thu phí?)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_taking_longer_than_the_committed_limit_are_reported_in_working_days()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = TimeLimit.Days(3);

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.StepTimesExceedCommittedLimit, "$.committedTimeLimit"), (problem.Code, problem.Path));
        Assert.StartsWith("Steps on the longest path take 3.5 working days (28 h), more than the committed 3 working days", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Days_and_hours_compare_in_the_working_day_of_the_calendar()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = TimeLimit.Hours(27);

        // 3.5 working days of steps: 28 h at 8 h a day (no calendar known) is over 27 h; 26.25 h on the Host's calendar
        // (07:30-11:30 and 13:30-17:00, a 7.5 h day, the unit due times are counted in) is not.
        Assert.Equal(ProblemCodes.StepTimesExceedCommittedLimit, Assert.Single(DefinitionValidator.Validate(builder.Build(), DefinitionBuilder.Context)).Code);
        Assert.Empty(DefinitionValidator.Validate(builder.Build(), DefinitionBuilder.Context with { HoursPerWorkingDay = 7.5m }));
    }

    [Fact]
    public void Steps_taking_longer_than_a_channel_limit_are_reported_at_the_channel()
    {
        var builder = DefinitionBuilder.Valid();
        builder.ChannelLimits[Channel.Online] = TimeLimit.Hours(24);

        AssertSingle(builder, ProblemCodes.StepTimesExceedCommittedLimit, "$.channelTimeLimits.online");
    }

    [Fact]
    public void Steps_exactly_filling_the_committed_limit_are_fine()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = TimeLimit.Hours(28);

        Assert.Empty(Validate(builder));
    }

    [Theory]
    [InlineData(20, TimeUnit.WorkingDays, 15, TimeUnit.WorkingDays)]
    [InlineData(130, TimeUnit.WorkingHours, 15, TimeUnit.WorkingDays)]
    [InlineData(20, TimeUnit.CalendarDays, 15, TimeUnit.CalendarDays)]
    public void Committed_limit_above_the_legal_limit_is_reported(int committed, TimeUnit committedUnit, int legal, TimeUnit legalUnit)
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = new TimeLimit(committed, committedUnit);
        builder.Legal = new TimeLimit(legal, legalUnit);

        AssertSingle(builder, ProblemCodes.CommittedLimitAboveLegalLimit, "$.committedTimeLimit");
    }

    [Fact]
    public void Channel_limit_above_the_legal_limit_is_reported_at_the_channel()
    {
        var builder = DefinitionBuilder.Valid();
        builder.ChannelLimits[Channel.InPerson] = TimeLimit.Days(16);

        AssertSingle(builder, ProblemCodes.CommittedLimitAboveLegalLimit, "$.channelTimeLimits.inPerson");
    }

    [Fact]
    public void Calendar_days_are_not_compared_with_working_days()
    {
        var builder = DefinitionBuilder.Valid();
        builder.Committed = new TimeLimit(20, TimeUnit.CalendarDays);

        Assert.Empty(Validate(builder));
    }

    private static DefinitionBuilder WithSubProcess(SubProcessNode? node = null) => new DefinitionBuilder()
        .Start()
        .Step("receive", 0.5m)
        .Add(node ?? new SubProcessNode { Id = "sub", Name = "Liên thông thuế", Procedure = DefinitionBuilder.OtherProcedure })
        .End("issued")
        .End("refused", EndResult.Refused)
        .Connect("start", "receive")
        .Connect("receive", "sub", Outcomes.Approved)
        .Connect("sub", "issued")
        .Connect("sub", "refused", "refused");

    [Fact]
    public void Sub_process_may_route_by_the_child_result()
    {
        Assert.Empty(Validate(WithSubProcess()));
    }

    [Fact]
    public void Sub_process_connection_naming_no_child_result_is_unknown()
    {
        AssertSingle(WithSubProcess().Connect("sub", "refused", "approved"), ProblemCodes.UnknownOutcome, "$.flowchart.connections[4].outcome");
    }

    [Fact]
    public void Sub_process_without_default_connection_is_reported()
    {
        var builder = WithSubProcess().Disconnect("sub", "issued").Connect("sub", "issued", "issued");

        AssertSingle(builder, ProblemCodes.OutcomeNotConnected, "$.flowchart.nodes[2]");
    }

    [Fact]
    public void Sub_process_running_an_unknown_procedure_is_reported()
    {
        var builder = WithSubProcess(new SubProcessNode { Id = "sub", Procedure = "9.999999" });

        AssertSingle(builder, ProblemCodes.UnknownProcedure, "$.flowchart.nodes[2].procedure");
    }

    [Fact]
    public void Sub_process_running_its_own_procedure_is_reported()
    {
        var builder = WithSubProcess(new SubProcessNode { Id = "sub", Procedure = "1.000001" });

        var problem = SingleProblem(builder);

        Assert.Equal((ProblemCodes.InvalidValue, "$.flowchart.nodes[2].procedure"), (problem.Code, problem.Path));
        Assert.Contains("itself", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timer_delay_must_be_whole_or_half_working_days()
    {
        var builder = DefinitionBuilder.Valid()
            .Add(new TimerNode { Id = "cool", Delay = TimeLimit.Days(0.7m) })
            .Disconnect("notify", "issued")
            .Connect("notify", "cool")
            .Connect("cool", "issued");

        AssertSingle(builder, ProblemCodes.InvalidValue, "$.flowchart.nodes[7].delay.value");
    }

    [Fact]
    public void Long_chains_with_loops_are_validated_without_deep_recursion()
    {
        const int Steps = 5_000;
        var builder = new DefinitionBuilder().Start();
        for (var i = 0; i < Steps; i++)
        {
            builder.Step("s" + i, 0m, DefinitionBuilder.Department, Outcomes.Approved, Outcomes.ReturnToPrevious);
        }

        builder.End().Connect("start", "s0");
        for (var i = 0; i < Steps; i++)
        {
            builder.Connect("s" + i, i + 1 < Steps ? "s" + (i + 1) : "end", Outcomes.Approved);
            builder.Connect("s" + i, i == 0 ? "s0" : "s" + (i - 1), Outcomes.ReturnToPrevious);
        }

        Assert.Empty(Validate(builder));
    }
}
