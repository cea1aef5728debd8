using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Validation;

public class FlowchartAnalysisTests
{
    [Fact]
    public void Fork_takes_the_longest_branch_after_the_first_step()
    {
        var definition = new DefinitionBuilder()
            .Start()
            .Step("receive", 1m)
            .Add(new ForkNode { Id = "fork" })
            .Step("tax", 3m)
            .Step("land", 5m)
            .Add(new JoinNode { Id = "join" })
            .End()
            .Connect("start", "receive")
            .Connect("receive", "fork", Outcomes.Approved)
            .Connect("fork", "tax")
            .Connect("fork", "land")
            .Connect("tax", "join", Outcomes.Approved)
            .Connect("land", "join", Outcomes.Approved)
            .Connect("join", "end")
            .Build();

        Assert.Equal(48m, FlowchartAnalysis.LongestPathWorkingHours(definition));
    }

    [Fact]
    public void Loops_back_to_a_previous_step_are_counted_once()
    {
        var definition = DefinitionBuilder.Valid().Connect("review", "receive", Outcomes.ReturnToPrevious).Build();

        Assert.Equal(28m, FlowchartAnalysis.LongestPathWorkingHours(definition));
    }

    [Fact]
    public void Hours_and_days_are_summed_in_working_hours()
    {
        var definition = DefinitionBuilder.Valid()
            .Change("receive", n => ((StepNode)n) with { AllottedTime = TimeLimit.Hours(4) })
            .Build();

        Assert.Equal(28m, FlowchartAnalysis.LongestPathWorkingHours(definition));
    }

    [Fact]
    public void Longest_alternative_wins_and_branches_never_reaching_an_end_do_not_count()
    {
        var definition = DefinitionBuilder.Valid()
            .Step("long", 10m)
            .Step("stuck", 40m)
            .Connect("decide", "long", "false")
            .Connect("long", "issued", Outcomes.Approved)
            .Connect("review", "stuck", Outcomes.NeedsSupplement)
            .Build();

        Assert.Equal((0.5m + 3m + 10m) * 8, FlowchartAnalysis.LongestPathWorkingHours(definition));
    }

    [Fact]
    public void Flowchart_without_start_takes_no_time()
    {
        var definition = new DefinitionBuilder().Step("alone", 2m).End().Connect("alone", "end", Outcomes.Approved).Build();

        Assert.Equal(0m, FlowchartAnalysis.LongestPathWorkingHours(definition));
    }
}
