using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Workflows.Designer.Components.Administration;
using Workflows.Designer.Tests.Support;

namespace Workflows.Designer.Tests.Administration;

public sealed class CalendarsPageTests : BunitContext, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services dispose only asynchronously; xunit disposes the context synchronously otherwise.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private readonly FakeHost host = new FakeHost()
        .Answer("GET", "/api/calendars", """{"years":[{"year":2026,"provisional":false,"source":"file"}]}""")
        .Answer("GET", "/api/calendars/2026", File.ReadAllText(Path.Combine(Repository.Root, "definitions", "calendars", "2026.json")))
        .Answer("POST", "/api/calendars/2026/preview", """
            {"year":2026,"provisional":false,"tasksMoved":2,"dossiersMoved":1,"timersMoved":0,
             "dossiers":[{"dossierCode":"000.00.00.H00-260302-0001","from":"2026-03-09T02:00:00Z","to":"2026-03-10T02:00:00Z"}]}
            """);

    public CalendarsPageTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton(host.Client());
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Marking_a_working_day_off_changes_the_year_and_the_preview_before_saving_sends_it_to_the_host()
    {
        Render<MudPopoverProvider>();
        var page = Render<CalendarsPage>();
        var wednesday = page.WaitForElement("button[data-date='2026-03-04']");
        Assert.Contains("working", wednesday.ClassName, StringComparison.Ordinal);

        wednesday.Click();
        // The day's actions render after the selection: wait for them rather than assume one render.
        page.WaitForElement("[data-testid=mark-day-off] button, button[data-testid=mark-day-off]").Click();

        page.WaitForAssertion(() => Assert.Contains("dayoff", page.Find("button[data-date='2026-03-04']").ClassName, StringComparison.Ordinal));
        page.WaitForElement("button[data-testid=preview-calendar]").Click();
        page.WaitForAssertion(() => Assert.Contains(host.Requests, r => r.Request == "POST /api/calendars/2026/preview"));
        var sent = host.Requests.Single(r => r.Request == "POST /api/calendars/2026/preview").Body!;
        Assert.Contains("\"2026-03-04\"", sent, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Requests, r => r.Request.StartsWith("PUT", StringComparison.Ordinal)); // nothing saved before confirming
        page.WaitForAssertion(() => Assert.Contains("3 hạn xử lý sẽ thay đổi", page.Find("[data-testid=calendar-preview]").TextContent, StringComparison.Ordinal));
        Assert.Contains("000.00.00.H00-260302-0001", page.Find("[data-testid=calendar-preview]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Provisional_days_are_marked_and_clearing_a_holiday_makes_it_a_working_day_again()
    {
        var file = Workflows.Engine.Calendar.CalendarFile.Parse(File.ReadAllText(Path.Combine(Repository.Root, "definitions", "calendars", "2026.json")));
        var model = new CalendarYearModel(file with
        {
            Holidays = [.. file.Holidays, new Workflows.Engine.Calendar.CalendarDayOff(new DateOnly(2026, 12, 31), "Dự kiến", Workflows.Engine.Calendar.DayOffKind.Bridge, Provisional: true)],
        });
        var grid = Render<CalendarGrid>(p => p.Add(g => g.Model, model));

        Assert.Contains("provisional", grid.Find("button[data-date='2026-12-31']").ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("provisional", grid.Find("button[data-date='2026-01-01']").ClassName, StringComparison.Ordinal);

        grid.Find("button[data-date='2026-01-01']").Click();
        grid.Find("button[data-testid=clear-day]").Click();

        Assert.Equal(CalendarDayState.Working, model.StateOf(new DateOnly(2026, 1, 1)));
        Assert.True(model.Changed);
        Assert.DoesNotContain(model.ToFile().Holidays, h => h.Date == new DateOnly(2026, 1, 1));
    }
}
