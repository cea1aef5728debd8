using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Workflows.Designer.Editor;
using Workflows.Designer.Editor.Model;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Tests.Editor;

public sealed class ProblemMessagesTests : IDisposable
{
    private readonly CultureInfo culture = CultureInfo.CurrentUICulture;
    private readonly ServiceProvider services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();

    private IStringLocalizer<ProblemMessages> Localizer => services.GetRequiredService<IStringLocalizer<ProblemMessages>>();

    public void Dispose()
    {
        CultureInfo.CurrentUICulture = culture;
        services.Dispose();
    }

    /// <summary>Every code the engine's validator and loader can report: the constants of <see cref="ProblemCodes"/>.</summary>
    public static TheoryData<string> Codes()
    {
        var codes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
        return [.. codes];
    }

    private Dictionary<string, string> Texts(string cultureName)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(cultureName);
        return Localizer.GetAllStrings(includeParentCultures: cultureName.Length > 2).ToDictionary(s => s.Name, s => s.Value);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_problem_code_has_a_Vietnamese_and_an_English_message(string code)
    {
        var vietnamese = Texts("vi-VN");
        var english = Texts("en");

        Assert.True(vietnamese.TryGetValue(code, out var vi), $"No Vietnamese message for {code}");
        Assert.True(english.TryGetValue(code, out var en), $"No English message for {code}");
        Assert.NotEqual(vi, en);
        Assert.Matches(@"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", vi);
    }

    [Fact]
    public void Every_Vietnamese_message_has_its_English_one()
    {
        Assert.Equal(Texts("vi-VN").Keys.Order(), Texts("en").Keys.Order());
    }

    [Theory]
    [InlineData("$.flowchart.nodes[3].department", "department")]
    [InlineData("$.flowchart.nodes[3].outcomes[1]", "outcomesItem")]
    [InlineData("$.committedTimeLimit.value", "committedTimeLimit")]
    [InlineData("$.flowchart.nodes[2]", "nodesItem")]
    [InlineData("$.flowchart.connections[0].outcome", "outcome")]
    public void A_problem_path_names_the_field_its_message_is_about(string path, string field)
    {
        Assert.Equal(field, ProblemTargets.FieldOf(path));
    }

    [Fact]
    public void A_department_that_does_not_exist_is_named_in_the_message()
    {
        var definition = SampleProcedures.ByCode();
        var review = definition.Flowchart.Nodes.OfType<StepNode>().Single(s => s.Id == "review");
        definition = definition with
        {
            Flowchart = definition.Flowchart with { Nodes = [.. definition.Flowchart.Nodes.Select(n => n == review ? review with { Department = "so-khong-co" } : n)] },
        };
        var problems = ProblemTargets.Map(definition,
            DefinitionValidator.Validate(definition, new ValidationContext(Departments: new HashSet<string> { "one-stop-desk", "urban-management", "leadership", "justice", "agriculture-environment" })));

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("vi-VN");
        var problem = Assert.Single(problems);
        Assert.Equal("Đơn vị “so-khong-co” không có trong danh sách đơn vị; chọn một đơn vị trong danh sách.", ProblemMessages.Text(Localizer, problem));
        Assert.Equal(new ProblemTarget("review", "department", null), problem.Target);
    }

    [Fact]
    public void A_branch_that_leads_nowhere_is_named_as_the_designer_called_it()
    {
        var definition = SampleProcedures.ByCode("1.009994");
        definition = definition with
        {
            Flowchart = definition.Flowchart with { Connections = [.. definition.Flowchart.Connections.Where(c => !(c.From == "needsInspection" && c.Outcome == "inspection"))] },
        };
        var problems = ProblemTargets.Map(definition, DefinitionValidator.Validate(definition, new ValidationContext()));

        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("vi-VN");
        var problem = Assert.Single(problems, p => p.Problem.Code == ProblemCodes.OutcomeNotConnected);
        Assert.Equal("Kết quả “Trên 250 m²: kiểm tra hiện trạng” chưa được nối tới bước tiếp theo.", ProblemMessages.Text(Localizer, problem));
        Assert.Equal(new ProblemTarget("needsInspection", "outcomes", null), problem.Target);
    }
}
