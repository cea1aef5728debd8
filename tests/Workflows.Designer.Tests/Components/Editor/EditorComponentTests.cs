using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workflows.Designer.Editor;
using Workflows.Designer.Editor.Model;
using Workflows.Designer.HostApi;
using Workflows.Designer.Tests.Editor;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Tests.Components.Editor;

/// <summary>The editor's components on a real session over the sample building-permit procedure (1.009994).</summary>
public abstract class EditorComponentTests : BunitContext, IAsyncLifetime
{
    protected static readonly IReadOnlyList<Department> Departments =
    [
        new("one-stop-desk", "Bộ phận Một cửa", null, "desk"),
        new("urban-management", "Phòng Quản lý đô thị", null, "department"),
        new("leadership", "Lãnh đạo", null, "leader"),
        new("justice", "Sở Tư pháp", null, "department"),
        new("agriculture-environment", "Sở Nông nghiệp và Môi trường", null, "department"),
    ];

    protected EditorComponentTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        // MudBlazor's own interop (tooltips, popovers) is not what these tests are about.
        JSInterop.Mode = JSRuntimeMode.Loose;
        Session = new EditorSession(SampleProcedures.ByCode(), SampleProcedures.JsonOf(),
            new ValidationContext(Departments: Departments.Select(d => d.Id).ToHashSet(), HoursPerWorkingDay: 7.5m));
    }

    protected EditorSession Session { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's popover and key services only dispose asynchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

public sealed class ProcessTableTests : EditorComponentTests
{
    private IRenderedComponent<ProcessTable> RenderTable()
    {
        var table = Render<ProcessTable>(p => p.Add(t => t.Session, Session).Add(t => t.Departments, Departments));
        Session.Changed += () => table.Render();
        return table;
    }

    [Fact]
    public void Shows_one_row_per_step_in_the_official_columns()
    {
        var table = RenderTable();

        Assert.Equal(["Bước", "Đơn vị thực hiện", "Nội dung công việc", "Thời gian", "Biểu mẫu/kết quả"],
            table.FindAll("th").Take(5).Select(th => th.TextContent.Trim()));
        Assert.Equal(6, table.FindAll("[data-testid=step-row]").Count);
        Assert.Equal("Thẩm định hồ sơ, dự thảo giấy phép xây dựng", table.Find("[data-node-id=review] [data-testid=step-name]").GetAttribute("value"));
    }

    [Fact]
    public void Adding_a_step_gives_a_new_row_numbered_next()
    {
        var table = RenderTable();

        table.Find("[data-testid=add-step]").Click();

        var rows = table.FindAll("[data-testid=step-row]");
        Assert.Equal(7, rows.Count);
        Assert.Equal("7", rows[6].QuerySelector("[data-testid=step-number]")!.TextContent);
        Assert.Equal("AddStep", Session.Stack.UndoName);
    }

    [Fact]
    public void Choosing_a_rows_department_dispatches_a_command()
    {
        var table = RenderTable();

        table.Find("[data-node-id=review] [data-testid=step-department]").Change("justice");

        Assert.Equal("EditDepartment", Session.Stack.UndoName);
        Assert.Equal("justice", Session.Definition.Flowchart.Nodes.OfType<StepNode>().Single(s => s.Id == "review").Department);
        Assert.Equal("justice", table.Find("[data-node-id=review] [data-testid=step-department]").GetAttribute("value"));
    }

    [Fact]
    public void A_problem_shows_on_its_row_and_under_its_cell()
    {
        var table = RenderTable();
        Assert.Empty(table.FindAll("[data-testid=row-problem]"));

        table.Find("[data-node-id=review] [data-testid=step-department]").Change("");

        var row = table.Find("[data-node-id=review]");
        Assert.Contains("row-has-problem", row.ClassList);
        Assert.NotNull(row.QuerySelector("[data-testid=row-problem]"));
        Assert.Equal("Chưa chọn đơn vị thực hiện.", row.QuerySelector("[data-testid=cell-problem]")!.TextContent);
        Assert.Single(table.FindAll("[data-testid=row-problem]"));
    }

    [Fact]
    public void An_unconnected_outcome_says_so_in_the_next_step_column()
    {
        var table = RenderTable();

        table.Find("[data-node-id=review] [data-testid=step-outcomes]").Change("approved, rejected, extraCheck");

        Assert.Contains("chưa nối", table.Find("[data-node-id=review] [data-testid=step-next]").TextContent);
        Assert.Contains(Session.Problems, p => p.Problem.Code == ProblemCodes.OutcomeNotConnected && p.Target.NodeId == "review");
    }

    [Fact]
    public void A_named_outcome_reads_by_its_name_in_the_next_step_column_and_its_name_goes_with_it()
    {
        Session.Execute(EditorCommands.EditStep("EditOutcomeNames", "review",
            step => step with { OutcomeNames = new Dictionary<string, string> { ["rejected"] = "Không đủ điều kiện cấp phép" } }));
        var table = RenderTable();

        var next = table.Find("[data-node-id=review] [data-testid=step-next]").TextContent;
        Assert.Contains("Không đủ điều kiện cấp phép →", next, StringComparison.Ordinal);
        Assert.Contains("Đồng ý →", next, StringComparison.Ordinal);
        Assert.DoesNotContain("rejected", next, StringComparison.Ordinal);

        table.Find("[data-node-id=review] [data-testid=step-outcomes]").Change("approved, needsSupplement");
        Assert.Null(Session.Definition.Flowchart.Nodes.OfType<StepNode>().Single(s => s.Id == "review").OutcomeNames);
    }

    [Fact]
    public void Moving_a_row_up_reorders_the_table()
    {
        var table = RenderTable();

        table.Find("[data-node-id=signing] [data-testid=step-move-up] button, [data-node-id=signing] button[data-testid=step-move-up]").Click();

        Assert.Equal(["intake", "siteInspection", "review", "signing", "officeApproval", "returnResult"],
            table.FindAll("[data-testid=step-row]").Select(r => r.GetAttribute("data-node-id")));
    }
}

public sealed class MetadataFormTests : EditorComponentTests
{
    [Fact]
    public void A_problem_on_the_committed_limit_shows_next_to_that_field()
    {
        var form = Render<MetadataForm>(p => p.Add(f => f.Session, Session));
        Session.Changed += () => form.Render();

        // A committed limit longer than the legal one (15 days).
        form.Find("[data-testid=meta-committed]").Change("20");

        Assert.Equal(TimeLimit.Days(20), Session.Definition.CommittedTimeLimit);
        var messages = form.Find("[data-testid=problems-committedTimeLimit]");
        Assert.Equal("Thời hạn cam kết dài hơn thời hạn luật định; trung tâm chỉ được cam kết ít thời gian hơn, không được nhiều hơn.", messages.QuerySelector("[data-testid=cell-problem]")!.TextContent);
        Assert.Single(form.FindAll("[data-testid=cell-problem]"));
    }

    [Fact]
    public void Editing_the_name_is_one_undoable_command()
    {
        var form = Render<MetadataForm>(p => p.Add(f => f.Session, Session));

        form.Find("[data-testid=meta-name]").Change("Cấp giấy phép xây dựng");

        Assert.Equal("Cấp giấy phép xây dựng", Session.Definition.Name);
        Session.Stack.Undo();
        Assert.Equal("Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", Session.Definition.Name);
    }
}

public sealed class ProblemListTests : EditorComponentTests
{
    [Fact]
    public void Choosing_a_problem_focuses_its_target()
    {
        Session.Execute(EditorCommands.SetDepartment("review", ""));
        var table = Render<ProcessTable>(p => p.Add(t => t.Session, Session).Add(t => t.Departments, Departments));
        var list = Render<ProblemList>(p => p
            .Add(l => l.Problems, Session.Problems)
            .Add(l => l.OnSelect, EventCallback.Factory.Create<EditorProblem>(this, problem =>
                table.InvokeAsync(() => table.Instance.FocusAsync(problem.Target.NodeId!, problem.Target.NodeField)))));

        list.Find("[data-testid=problem-item]").Click();

        // The focus call ends the click's handler chain (the list's callback, then the table's dispatcher).
        table.WaitForAssertion(() => Assert.Single(JSInterop.Invocations, i => i.Identifier.Contains("focus", StringComparison.OrdinalIgnoreCase)));
        var focus = JSInterop.VerifyFocusAsyncInvoke();
        var department = table.Find("[data-node-id=review] [data-testid=step-department]");
        Assert.NotNull(department.GetAttribute("blazor:elementReference"));
        Assert.Equal(department.GetAttribute("blazor:elementReference"), focus.Arguments[0] is Microsoft.AspNetCore.Components.ElementReference element ? element.Id : null);
    }

    [Fact]
    public void Each_problem_reads_in_Vietnamese_with_where_it_is()
    {
        Session.Execute(EditorCommands.SetDepartment("review", ""));
        var list = Render<ProblemList>(p => p.Add(l => l.Problems, Session.Problems).Add(l => l.NodeName, id => id == "review" ? "Bước 3" : id));

        var item = list.Find("[data-testid=problem-item]");
        Assert.Contains("Chưa chọn đơn vị thực hiện.", item.TextContent);
        Assert.Contains("Bước 3", item.TextContent);
        Assert.Equal("1", list.Find("[data-testid=problem-count]").TextContent.Trim());
    }

    [Fact]
    public void A_problem_reads_as_one_message_in_the_chosen_language_naming_its_value()
    {
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            Session.Execute(EditorCommands.SetOutcomes("review", ["approved", "rejected", "extraCheck"]));
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
            var vietnamese = Render<ProblemList>(p => p.Add(l => l.Problems, Session.Problems)).Find("[data-testid=problem-item]").TextContent;
            Assert.Contains("Kết quả “extraCheck” chưa được nối tới bước tiếp theo.", vietnamese);
            Assert.DoesNotContain("connect", vietnamese, StringComparison.OrdinalIgnoreCase);

            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en");
            var english = Render<ProblemList>(p => p.Add(l => l.Problems, Session.Problems)).Find("[data-testid=problem-item]").TextContent;
            Assert.Contains("The outcome “extraCheck” is not connected to the next step.", english);
            Assert.DoesNotContain("Kết quả", english);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }
}

public sealed class UndoRedoButtonsTests : EditorComponentTests
{
    [Fact]
    public void Undo_and_redo_buttons_walk_the_command_stack()
    {
        var buttons = Render<UndoRedoButtons>(p => p.Add(b => b.Stack, Session.Stack));
        Session.Changed += () => buttons.Render();
        Assert.True(buttons.Find("[data-testid=undo]").HasAttribute("disabled"));

        Session.Execute(EditorCommands.RenameNode("review", "Thẩm định"));
        Assert.False(buttons.Find("[data-testid=undo]").HasAttribute("disabled"));

        buttons.Find("[data-testid=undo]").Click();
        Assert.Equal("Thẩm định hồ sơ, dự thảo giấy phép xây dựng", Session.Definition.Flowchart.Nodes.Single(n => n.Id == "review").Name);
        Assert.False(buttons.Find("[data-testid=redo]").HasAttribute("disabled"));

        buttons.Find("[data-testid=redo]").Click();
        Assert.Equal("Thẩm định", Session.Definition.Flowchart.Nodes.Single(n => n.Id == "review").Name);
        Assert.True(buttons.Find("[data-testid=redo]").HasAttribute("disabled"));
    }
}
