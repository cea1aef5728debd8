using Workflows.Designer.Editor.CutSteps;
using Workflows.Designer.Editor.Diagram;
using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class CutPlanTests
{
    private readonly CutPlan plan = new(SampleProcedures.ByCode());

    [Fact]
    public void Without_cuts_the_result_is_the_published_path_and_saves_nothing()
    {
        var result = plan.Apply();

        Assert.Equal(15m, result.DaysBefore);
        Assert.Equal(15m, result.DaysAfter);
        Assert.Equal(0m, result.SavingPercent);
        Assert.False(result.TargetMet);
        Assert.Equal(plan.Published.Flowchart.Connections, result.Definition.Flowchart.Connections);
    }

    [Fact]
    public void Removing_a_step_connects_its_predecessors_to_its_successor()
    {
        plan.Set("siteInspection", new StepCut(CutAction.Remove));

        var result = plan.Apply();
        var connections = result.Definition.Flowchart.Connections;

        Assert.DoesNotContain(result.Definition.Flowchart.Nodes, n => n.Id == "siteInspection");
        Assert.Contains(new Connection("needsInspection", "review", "inspection"), connections);
        Assert.Contains(new Connection("needsInspection", "review", "noInspection"), connections);
        Assert.DoesNotContain(connections, c => c.From == "siteInspection" || c.To == "siteInspection");
        Assert.Equal(12m, result.DaysAfter);
        Assert.Equal(3m, result.SavingDays);
        Assert.Equal(20m, result.SavingPercent);
        Assert.False(result.TargetMet);
        Assert.Equal(DiffState.Removed, result.Comparison.NodeDiff["siteInspection"]);
    }

    [Fact]
    public void Removing_a_step_drops_the_branch_only_it_led_to()
    {
        plan.Set("review", new StepCut(CutAction.Remove));

        var result = plan.Apply();
        var ids = result.Definition.Flowchart.Nodes.Select(n => n.Id).ToList();

        Assert.Contains(new Connection("siteInspection", "officeApproval", "approved"), result.Definition.Flowchart.Connections);
        Assert.DoesNotContain("notifyRefused", ids);
        Assert.DoesNotContain("refused", ids);
        Assert.Equal(8m, result.DaysAfter);
    }

    [Fact]
    public void Shortening_and_removing_reach_the_thirty_percent_target_and_commit_the_new_time()
    {
        plan.Set("siteInspection", new StepCut(CutAction.Remove));
        plan.Set("review", new StepCut(CutAction.Shorten, TimeLimit.Days(4)));

        var result = plan.Apply();

        Assert.Equal(9m, result.DaysAfter);
        Assert.Equal(6m, result.SavingDays);
        Assert.Equal(40m, result.SavingPercent);
        Assert.True(result.TargetMet);
        Assert.Equal(TimeLimit.Days(9), result.Definition.CommittedTimeLimit);
        Assert.Equal(TimeLimit.Days(15), result.Definition.LegalTimeLimit);
        Assert.Equal(DiffState.Changed, result.Comparison.NodeDiff["review"]);
    }

    [Fact]
    public void Exactly_thirty_percent_meets_the_target()
    {
        plan.Set("review", new StepCut(CutAction.Shorten, TimeLimit.Days(2.5m)));

        var result = plan.Apply();

        Assert.Equal(4.5m, result.SavingDays);
        Assert.Equal(30m, result.SavingPercent);
        Assert.True(result.TargetMet);
    }

    [Fact]
    public void Merging_with_the_next_step_makes_one_step_with_the_sum_and_the_first_department()
    {
        plan.Set("officeApproval", new StepCut(CutAction.MergeWithNext));

        var result = plan.Apply();
        var merged = Assert.IsType<StepNode>(result.Definition.Flowchart.Nodes.Single(n => n.Id == "officeApproval"));

        Assert.Equal("signing", plan.NextStepOf("officeApproval")?.Id);
        Assert.Equal("officeApproval", plan.MergedInto("signing")?.Id);
        Assert.DoesNotContain(result.Definition.Flowchart.Nodes, n => n.Id == "signing");
        Assert.Equal(TimeLimit.Days(4.5m), merged.AllottedTime);
        Assert.Equal("urban-management", merged.Department);
        Assert.Equal("Lãnh đạo phòng kiểm tra, trình ký; Lãnh đạo Sở ký giấy phép xây dựng", merged.Name);
        Assert.Contains(new Connection("officeApproval", "notifyResult", "approved"), result.Definition.Flowchart.Connections);
        Assert.Contains(new Connection("review", "officeApproval", "approved"), result.Definition.Flowchart.Connections);
        Assert.Equal(15m, result.DaysAfter);
    }

    [Fact]
    public void Merging_with_a_chosen_time_uses_that_time()
    {
        plan.Set("officeApproval", new StepCut(CutAction.MergeWithNext, TimeLimit.Days(2)));

        var result = plan.Apply();

        Assert.Equal(12.5m, result.DaysAfter);
        Assert.Equal(16.7m, result.SavingPercent);
    }

    [Fact]
    public void A_chain_of_merges_makes_one_step_of_three()
    {
        plan.Set("review", new StepCut(CutAction.MergeWithNext));
        plan.Set("officeApproval", new StepCut(CutAction.MergeWithNext));

        var result = plan.Apply();
        var merged = Assert.IsType<StepNode>(result.Definition.Flowchart.Nodes.Single(n => n.Id == "review"));

        Assert.Equal(TimeLimit.Days(11.5m), merged.AllottedTime);
        Assert.DoesNotContain(result.Definition.Flowchart.Nodes, n => n.Id is "officeApproval" or "signing");
        Assert.Contains(new Connection("review", "notifyResult", "approved"), result.Definition.Flowchart.Connections);
        Assert.Contains(new Connection("review", "notifyRefused", "rejected"), result.Definition.Flowchart.Connections);
    }

    [Fact]
    public void A_step_without_a_step_right_after_it_cannot_be_merged()
    {
        // returnResult is followed by the End.
        Assert.Throws<InvalidOperationException>(() => plan.Set("returnResult", new StepCut(CutAction.MergeWithNext)));
    }
}
