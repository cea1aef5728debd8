using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

public abstract class ReportsApiTests(DatabaseFixture database)
{
    private const string Period = "from=2026-03-09&to=2026-03-20";
    private static readonly DateOnly From = new(2026, 3, 9);
    private static readonly DateOnly To = new(2026, 3, 20);
    private static readonly ReportData Data = ReportData.Generate();

    [Fact]
    public void The_generated_data_covers_every_case()
    {
        var start = Expected.Start(From);
        var end = Expected.End(To);
        var resolved = Expected.DossierRow("", "", Data.Dossiers, From, To);
        Assert.True(resolved.CarriedOver > 10);
        Assert.True(resolved.Finished is { Early: > 0, OnTime: > 0, Late: > 0, Refused: > 0, Withdrawn: > 0, Stopped: > 0 }, resolved.Finished.ToString());
        Assert.True(resolved.InProgress is { WithinTime: > 0, Late: > 0 }, resolved.InProgress.ToString());
        Assert.True(resolved.WaitingForSupplement > 0);
        // Late against the original appointment, in time for the moved one: statistics must say late.
        Assert.Contains(Data.Dossiers, d => d.CompletedAt > d.OriginalDueAt && d.CompletedAt <= d.DueAt && d.CompletedAt >= start && d.CompletedAt < end && d.Status is 9 or 10);
        Assert.Contains(Data.Tasks, t => t.State == "cancelled" && t.ClosedAt >= start && t.ClosedAt < end);
        Assert.Contains(Data.Dossiers, d => d.CompletedAt == d.OriginalDueAt);
    }

    [Fact]
    public async Task The_summary_by_procedure_equals_a_count_of_the_raw_data()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}&groupBy=procedure");

        var expected = Data.Dossiers.GroupBy(d => d.ProcedureCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Expected.DossierRow(g.Key, g.First().ProcedureName, g.ToList(), From, To)).ToList();
        Assert.Equal(expected, report.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", Data.Dossiers, From, To), report.Total);
        Assert.Equal(("procedure", "dossiers", From, To), (report.GroupBy, report.Counts, report.From, report.To));
        var total = report.Total;
        Assert.Equal(total.CarriedOver + total.Received.Total, total.Finished.Total + total.InProgress.Total);
    }

    [Theory]
    [InlineData("receptionPoint")]
    [InlineData("channel")]
    public async Task The_summary_by_reception_point_and_channel_equals_a_count_of_the_raw_data(string groupBy)
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}&groupBy={groupBy}");

        Func<GeneratedDossier, string> key = groupBy == "channel" ? d => d.Channel : d => d.ReceptionPoint;
        var labels = new Dictionary<string, string> { ["online"] = "Trực tuyến", ["inPerson"] = "Trực tiếp", ["postal"] = "Bưu chính" };
        var expected = Data.Dossiers.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Expected.DossierRow(g.Key, labels.GetValueOrDefault(g.Key, g.Key), g.ToList(), From, To)).ToList();
        Assert.Equal(expected, report.Rows);
    }

    [Fact]
    public async Task The_summary_by_month_cuts_the_period_at_month_ends()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, "/api/reports/summary?from=2026-02-20&to=2026-04-10&groupBy=month");

        SummaryRow[] expected =
        [
            Expected.DossierRow("2026-02", "02/2026", Data.Dossiers, new(2026, 2, 20), new(2026, 2, 28)),
            Expected.DossierRow("2026-03", "03/2026", Data.Dossiers, new(2026, 3, 1), new(2026, 3, 31)),
            Expected.DossierRow("2026-04", "04/2026", Data.Dossiers, new(2026, 4, 1), new(2026, 4, 10)),
        ];
        Assert.Equal(expected, report.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", Data.Dossiers, new(2026, 2, 20), new(2026, 4, 10)), report.Total);
    }

    [Fact]
    public async Task The_summary_by_department_counts_tasks_by_their_own_due_time()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}&groupBy=department");

        var expected = Data.Tasks.GroupBy(t => t.Department).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Expected.TaskRow(g.Key, g.Key, g.ToList(), From, To)).ToList();
        Assert.Equal(expected, report.Rows);
        Assert.Equal(Expected.TaskRow("", "Tổng cộng", Data.Tasks, From, To), report.Total);
        Assert.Equal("tasks", report.Counts);
    }

    [Fact]
    public async Task The_summary_by_step_of_one_procedure_counts_that_procedures_tasks()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}&groupBy=step&procedure=1.001");

        var expected = Data.Tasks.Where(t => t.Dossier.ProcedureCode == "1.001")
            .GroupBy(t => $"1.001/{t.NodeId}").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Expected.TaskRow(g.Key, g.First().StepName, g.ToList(), From, To)).ToList();
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, report.Rows);
    }

    [Fact]
    public async Task A_department_filter_keeps_the_dossiers_that_department_worked_on()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}&groupBy=procedure&department=land");

        var land = Data.Dossiers.Where(d => Data.Tasks.Any(t => t.Dossier == d && t.Department == "land")).ToList();
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", land, From, To), report.Total);
    }

    [Fact]
    public async Task Bottlenecks_equal_percentiles_of_working_time_computed_from_the_raw_data()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var report = await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{Period}");

        var expected = Expected.Bottlenecks(Data, From, To);
        Assert.True(expected.Count > 10);
        Assert.Equal(expected, report.Rows);

        var one = await ReportData.GetAsync<BottleneckReport>(client, $"/api/reports/bottlenecks?{Period}&procedure=1.002");
        Assert.Equal(expected.Where(r => r.ProcedureCode == "1.002"), one.Rows);
    }

    [Fact]
    public async Task Indicators_equal_shares_computed_from_the_raw_data()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.DesignerKey);

        var report = await ReportData.GetAsync<IndicatorReport>(client, $"/api/reports/indicators?{Period}");

        var expected = Expected.Indicators(Data, From, To);
        Assert.Equal(
            expected.Select(e => (e.Code, e.Numerator, e.Denominator, Expected.Percent(e.Numerator, e.Denominator))),
            report.Indicators.Select(i => (i.Code, i.Numerator, i.Denominator, i.Percentage)));
        Assert.All(report.Indicators, i => Assert.True(i.Denominator > 0 && i.Numerator > 0 && i.Numerator <= i.Denominator, i.ToString()));
    }

    [Fact]
    public async Task The_summary_workbook_reads_back_with_vietnamese_headers_and_the_same_numbers()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var summary = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{Period}");

        var response = await client.GetAsync(new Uri($"/api/reports/summary.xlsx?{Period}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bao-cao-tong-hop-20260309-20260320.xlsx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = Assert.Single(workbook.Workbook.Descendants<Sheet>());
        Assert.Equal("Tổng hợp", sheet.Name?.Value);
        var cells = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<Cell>()
            .ToDictionary(c => c.CellReference!.Value!, c => c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue?.Text ?? "");

        Assert.Equal("Lĩnh vực/Thủ tục", cells["A4"]);
        string[] headers = ["Tiếp nhận mới", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước chuyển sang", "Đã giải quyết: Trước hạn", "Đã giải quyết: Đúng hạn",
            "Đã giải quyết: Quá hạn", "Đang giải quyết: Trong hạn", "Đang giải quyết: Quá hạn", "Chờ bổ sung", "Tỷ lệ đúng hạn (%)"];
        var headerRow = cells.Where(c => c.Key.TrimStart((char[])[.. "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]) == "4").Select(c => c.Value).ToList();
        Assert.All(headers, h => Assert.Contains(h, headerRow));

        string Cell(int row, string header) => cells[SummaryWorkbookWriter.Reference((uint)row, 2 + SummaryWorkbookWriter.Headers.ToList().IndexOf(header))];
        for (var i = 0; i <= summary.Rows.Count; i++)
        {
            var expected = i < summary.Rows.Count ? summary.Rows[i] : summary.Total;
            var row = 5 + i;
            Assert.Equal(expected.Label, cells[$"A{row}"]);
            Assert.Equal(expected.Received.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Tiếp nhận mới"));
            Assert.Equal(expected.Received.Online.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Trực tuyến"));
            Assert.Equal(expected.CarriedOver.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Kỳ trước chuyển sang"));
            Assert.Equal(expected.Finished.Early.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Đã giải quyết: Trước hạn"));
            Assert.Equal(expected.Finished.Late.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Đã giải quyết: Quá hạn"));
            Assert.Equal(expected.InProgress.Late.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Đang giải quyết: Quá hạn"));
            Assert.Equal(expected.WaitingForSupplement.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(row, "Chờ bổ sung"));
            Assert.Equal(expected.OnTimeRate, decimal.Parse(Cell(row, "Tỷ lệ đúng hạn (%)"), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("Tổng cộng", cells[$"A{5 + summary.Rows.Count}"]);
    }

    [Theory]
    [InlineData("/api/reports/summary?from=2026-03-20&to=2026-03-01", "from")]
    [InlineData("/api/reports/summary?from=20-03-2026", "from")]
    [InlineData("/api/reports/summary?to=2026-13-01", "to")]
    [InlineData("/api/reports/summary?from=2020-01-01&to=2026-03-01", "to")]
    [InlineData("/api/reports/summary?groupBy=weekday", "groupBy")]
    [InlineData("/api/reports/summary.xlsx?groupBy=weekday", "groupBy")]
    [InlineData("/api/reports/bottlenecks?from=2026-03-20&to=2026-03-01", "from")]
    [InlineData("/api/reports/indicators?to=yesterday", "to")]
    public async Task Bad_parameters_are_a_400_naming_the_field(string url, string field)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now));
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Theory]
    [InlineData("/api/reports/summary")]
    [InlineData("/api/reports/summary.xlsx")]
    [InlineData("/api/reports/bottlenecks")]
    [InlineData("/api/reports/indicators")]
    public async Task An_intake_system_may_not_read_reports(string url)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now));
        using var client = app.ClientWithKey(WorkflowsApp.IntakeKey);

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Without_dates_the_period_is_the_current_month_to_date()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now));
        using var client = app.ClientWithKey(WorkflowsApp.LeaderKey);

        var report = await ReportData.GetAsync<SummaryReport>(client, "/api/reports/summary");

        Assert.Equal((new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 3)), (report.From, report.To));
    }
}

public sealed class SqliteReportsApiTests(SqliteDatabase database) : ReportsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReportsApiTests(PostgresDatabase database) : ReportsApiTests(database), IClassFixture<PostgresDatabase>;
