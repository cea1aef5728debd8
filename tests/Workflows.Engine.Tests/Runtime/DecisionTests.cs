using Workflows.Engine.Definitions;
using Workflows.Engine.Expressions;
using Workflows.Engine.Runtime;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Runtime;

public class DecisionTests
{
    private static ProcedureDefinition ByArea(string expression, params string[] outcomes) => Procedure("T.DEC",
        [Start(), Decision("size", expression, outcomes), Step("inspect", "urban-management"), Step("review", "urban-management"), End()],
        [C("start", "size"), C("size", "inspect", outcomes[0]), C("size", "review", outcomes[1]), C("inspect", "review", Outcomes.Approved), C("review", "end", Outcomes.Approved)]);

    [Theory]
    [InlineData(300, "inspect")]
    [InlineData(120, "review")]
    public void A_decision_routes_by_an_outcome_name_computed_from_dossier_data(int area, string expectedStep)
    {
        var definition = ByArea("data.area > 250 ? 'large' : 'small'", "large", "small");
        var harness = new EngineHarness(null, definition);

        var instance = harness.Start(definition, $$"""{"area":{{area}}}""");

        Assert.Equal([expectedStep], harness.OpenSteps(instance));
        var taken = harness.Store.Journal(instance.Id).Single(j => j.Kind == JournalKind.DecisionTaken);
        Assert.Equal(area > 250 ? "large" : "small", taken.Outcome);
    }

    [Fact]
    public void A_boolean_expression_takes_the_true_or_false_port()
    {
        var definition = ByArea("data.owner.isOrganisation && data.floors >= 3", "true", "false");
        var harness = new EngineHarness(null, definition);

        var organisation = harness.Start(definition, """{"owner":{"isOrganisation":true},"floors":4}""");
        var person = harness.Start(definition, """{"owner":{"isOrganisation":false},"floors":4}""");

        Assert.Equal(["inspect"], harness.OpenSteps(organisation));
        Assert.Equal(["review"], harness.OpenSteps(person));
    }

    [Fact]
    public void A_decision_that_runs_forever_is_stopped_by_the_timeout_and_faults_the_instance()
    {
        var definition = ByArea("(function(){ while (true) {} })()", "true", "false");
        // Statements unlimited, so only the clock can stop it.
        var options = new EngineOptions { Expressions = new ExpressionLimits { Timeout = TimeSpan.FromMilliseconds(50), MaxStatements = int.MaxValue } };
        var harness = new EngineHarness(options, definition);

        var instance = harness.Start(definition);

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Equal("size", instance.Fault?.NodeId);
        Assert.Contains("50 ms", instance.Fault!.Message, StringComparison.Ordinal);
        Assert.Single(instance.Tokens, t => t.NodeId == "size");
        Assert.Equal(JournalKind.Faulted, harness.JournalKinds(instance)[^1]);
    }

    [Fact]
    public void A_decision_that_loops_through_many_statements_is_stopped_by_the_statement_limit()
    {
        var definition = ByArea("(function(){ for (var i = 0; ; i++) {} })()", "true", "false");
        var harness = new EngineHarness(new EngineOptions { Expressions = new ExpressionLimits { Timeout = TimeSpan.FromMinutes(5), MaxStatements = 1000 } }, definition);

        var instance = harness.Start(definition);

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("1000 statements", instance.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expression_error_faults_the_instance_with_the_script_message()
    {
        var definition = ByArea("data.owner.name.length > 3", "true", "false");
        var harness = new EngineHarness(null, definition);

        var instance = harness.Start(definition, "{}");

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.StartsWith("Decision 'size': The expression failed", instance.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_outcome_the_decision_does_not_declare_faults_the_instance()
    {
        var definition = ByArea("'medium'", "large", "small");
        var harness = new EngineHarness(null, definition);

        var instance = harness.Start(definition);

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        // The outcomes it may give are named; the value it gave is not kept (it may be a field of personal data).
        Assert.Contains("not one of its outcomes (large, small)", instance.Fault!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("medium", instance.Fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expressions_cannot_reach_the_clr()
    {
        var definition = ByArea("typeof System === 'undefined' && typeof importNamespace === 'undefined'", "true", "false");
        var harness = new EngineHarness(null, definition);

        var instance = harness.Start(definition);

        Assert.Equal(["inspect"], harness.OpenSteps(instance));
    }

    [Fact]
    public void A_faulted_instance_refuses_resumes()
    {
        var definition = Procedure("T.FAULT",
            [Start(), Step("intake"), Decision("check", "data.x.y"), End()],
            [C("start", "intake"), C("intake", "check", Outcomes.Approved), C("check", "end", "true"), C("check", "end", "false")]);
        var harness = new EngineHarness(null, definition);
        var instance = harness.Start(definition);
        var task = harness.OpenTask(instance, "intake");
        harness.Complete(instance, "intake");
        Assert.Equal(InstanceStatus.Faulted, harness.Reload(instance).Status);

        var rejection = harness.Host.CompleteTask(task.Opened.TaskId, Outcomes.Approved);

        Assert.Equal(RejectionCode.StaleBookmark, rejection?.Code);
    }

    [Fact]
    public void A_flowchart_that_loops_without_waiting_is_faulted_instead_of_hanging()
    {
        var definition = Procedure("T.SPIN",
            [Start(), Decision("a", "true"), Decision("b", "true"), End()],
            [C("start", "a"), C("a", "b", "true"), C("a", "end", "false"), C("b", "a", "true"), C("b", "end", "false")]);
        var harness = new EngineHarness(new EngineOptions { MaxNodesPerCall = 200 }, definition);

        var instance = harness.Start(definition);

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("without waiting", instance.Fault!.Message, StringComparison.Ordinal);
    }
}

public class DecisionExpressionCompileTests
{
    [Fact]
    public void An_expression_cut_short_is_reported_at_its_end()
    {
        var compiled = Workflows.Engine.Expressions.DecisionExpression.TryCompile("data.fee >", null, out var error);

        Assert.Null(compiled);
        Assert.Contains("at the end of the expression", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_inside_the_expression_names_its_column()
    {
        var compiled = Workflows.Engine.Expressions.DecisionExpression.TryCompile("data.a ] 3", null, out var error);

        Assert.Null(compiled);
        Assert.Contains("line 1, column 8", error, StringComparison.Ordinal);
    }
}
