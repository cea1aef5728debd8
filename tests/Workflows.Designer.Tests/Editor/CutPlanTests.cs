using Workflows.Designer.Editor.CutSteps;
using Workflows.Designer.Editor.Diagram;
using Workflows.Designer.Editor.Model;
using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Tests.Editor;

public sealed class CutPlanTests
{
    /// <summary>The default calendar's working day (07:30-11:30 and 13:30-17:00), the day the editor's time bar counts.</summary>
    private const decimal CalendarDay = 7.5m;

    private readonly CutPlan plan = new(SampleProcedures.ByCode(), CalendarDay);

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

    [Fact]
    public void Steps_given_in_hours_save_the_days_the_editor_shows_on_the_calendar_day()
    {
        // The permit with its inspection (24 h) and intake (4 h) given in hours, as some centres write them.
        var published = WithStepTimes(SampleProcedures.ByCode(), ("siteInspection", TimeLimit.Hours(24)), ("intake", TimeLimit.Hours(4)));
        var hourPlan = new CutPlan(published, CalendarDay);
        hourPlan.Set("siteInspection", new StepCut(CutAction.Remove));

        var result = hourPlan.Apply();
        var editorBefore = EditorDays(published);
        var editorAfter = EditorDays(result.Definition);

        Assert.Equal(editorBefore, result.DaysBefore);
        Assert.Equal(editorAfter, result.DaysAfter);
        Assert.Equal(editorBefore - editorAfter, result.SavingDays);
        Assert.Equal(3.2m, result.SavingDays);
    }

    [Fact]
    public void Merging_a_step_in_days_with_one_in_hours_sums_on_the_calendar_day()
    {
        var published = WithStepTimes(SampleProcedures.ByCode(), ("signing", TimeLimit.Hours(12)));
        var hourPlan = new CutPlan(published, CalendarDay);
        hourPlan.Set("officeApproval", new StepCut(CutAction.MergeWithNext));

        var result = hourPlan.Apply();
        var merged = Assert.IsType<StepNode>(result.Definition.Flowchart.Nodes.Single(n => n.Id == "officeApproval"));

        // 1.5 working days of 7.5 h and 12 h.
        Assert.Equal(TimeLimit.Hours(23.25m), merged.AllottedTime);
        Assert.Equal(EditorDays(result.Definition), result.DaysAfter);
        Assert.Equal(0m, result.SavingDays);
    }

    /// <summary>The longest path in days as the editor's time bar shows it for the calendar's day.</summary>
    private static decimal EditorDays(ProcedureDefinition definition)
    {
        var session = new EditorSession(definition, null, new ValidationContext(HoursPerWorkingDay: CalendarDay));
        return session.LongestPathHours / session.HoursPerWorkingDay;
    }

    private static ProcedureDefinition WithStepTimes(ProcedureDefinition definition, params (string Id, TimeLimit Time)[] times)
    {
        var nodes = definition.Flowchart.Nodes
            .Select(n => n is StepNode step && times.FirstOrDefault(t => t.Id == step.Id) is { Id: not null } t ? step with { AllottedTime = t.Time } : n)
            .ToList();
        return definition with { Flowchart = definition.Flowchart with { Nodes = nodes } };
    }
}
