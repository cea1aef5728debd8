using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

/// <summary>
/// Whole months are read from the monthly roll-up (dossier_month_counts, kept by triggers), the rest from the rows:
/// these tests hold periods of whole months, periods cut mid-month and a period ending after now to an independent
/// calculation over five months of generated dossiers, and follow one dossier as it closes and its result is returned.
/// </summary>
public abstract class ReportsRollUpTests(DatabaseFixture database)
{
    private static readonly ReportData Data = ReportData.FiveMonths();

    private static List<SummaryRow> MonthRows(IReadOnlyCollection<GeneratedDossier> dossiers, DateOnly from, DateOnly to)
    {
        var rows = new List<SummaryRow>();
        for (var first = new DateOnly(from.Year, from.Month, 1); first <= to; first = first.AddMonths(1))
        {
            var last = first.AddMonths(1).AddDays(-1);
            rows.Add(Expected.DossierRow(
                $"{first:yyyy-MM}", $"{first:MM/yyyy}", dossiers, first < from ? from : first, last > to ? to : last));
        }

        return rows;
    }

    [Theory]
    [InlineData("2025-12-01", "2026-03-31")] // whole months: the roll-up alone, and the open dossiers as rows
    [InlineData("2025-12-16", "2026-02-28")] // starts mid-month
    [InlineData("2026-01-01", "2026-04-30")] // ends after now: in progress is late against now
    [InlineData("2026-02-10", "2026-02-20")] // inside one month
    public async Task Summaries_and_indicators_over_whole_and_cut_months_equal_a_count_of_the_raw_data(string from, string to)
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var (fromDay, toDay) = (DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));
        var period = $"from={from}&to={to}";

        var procedures = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=procedure");
        Assert.Equal(
            Data.Dossiers.GroupBy(d => d.ProcedureCode).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.DossierRow(g.Key, g.First().ProcedureName, g.ToList(), fromDay, toDay)),
            procedures.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", Data.Dossiers, fromDay, toDay), procedures.Total);

        var points = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=receptionPoint");
        Assert.Equal(
            Data.Dossiers.GroupBy(d => d.ReceptionPoint).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Expected.DossierRow(g.Key, g.Key, g.ToList(), fromDay, toDay)),
            points.Rows);

        var months = await ReportData.GetAsync<SummaryReport>(client, $"/api/reports/summary?{period}&groupBy=month&procedure=1.002");
        var procedure = Data.Dossiers.Where(d => d.ProcedureCode == "1.002").ToList();
        Assert.Equal(MonthRows(procedure, fromDay, toDay), months.Rows);
        Assert.Equal(Expected.DossierRow("", "Tổng cộng", procedure, fromDay, toDay), months.Total);

        var indicators = await ReportData.GetAsync<IndicatorReport>(client, $"/api/reports/indicators?{period}");
        Assert.Equal(
            Expected.Indicators(Data, fromDay, toDay).Select(e => (e.Code, e.Numerator, e.Denominator, Expected.Percent(e.Numerator, e.Denominator))),
            indicators.Indicators.Select(i => (i.Code, i.Numerator, i.Denominator, i.Percentage)));
    }

    [Fact]
    public async Task Once_the_facts_are_filled_the_roll_up_counts_every_finished_dossier_once_by_its_months()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        await ReportData.GetAsync<IndicatorReport>(client, "/api/reports/indicators?from=2026-03-01&to=2026-03-31");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var counted = await db.DossierMonthCounts.AsNoTracking().Where(c => c.Dossiers != 0).ToListAsync();
        static int Month(DateTimeOffset t) => (t.ToOffset(ReportData.Vietnam).Year * 100) + t.ToOffset(ReportData.Vietnam).Month;
        Assert.Equal(
            Data.Dossiers.Where(d => d.CompletedAt is not null)
                .GroupBy(d => (d.ProcedureCode, d.Status, Month(d.ReceivedAt), Month(d.CompletedAt!.Value), Month(d.OriginalDueAt)))
                .Select(g => (g.Key, g.Count())).OrderBy(x => x.Key),
            counted.GroupBy(c => (c.ProcedureCode, c.Status, c.ReceivedMonth, c.CompletedMonth, c.DueMonth))
                .Select(g => (g.Key, g.Sum(c => c.Dossiers))).OrderBy(x => x.Key));
    }

    [Fact]
    public async Task A_dossier_closing_moves_into_the_roll_up_and_the_reports_count_it_once()
    {
        await using var app = await Data.StartAsync(database);
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        // A procedure of its own, so the generated data does not mix in: received 12 January, due 20 January.
        var id = Guid.NewGuid();
        var received = new DateTimeOffset(2026, 1, 12, 9, 0, 0, ReportData.Vietnam);
        var due = new DateTimeOffset(2026, 1, 20, 17, 0, 0, ReportData.Vietnam);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.Instances.Add(new InstanceRow { Id = id, DefinitionCode = "9.999", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]", CreatedAt = received, UpdatedAt = received, Version = 1 });
            db.Dossiers.Add(new DossierRow
            {
                Id = id, Code = "ROLLUP-0001", IntakeClient = "rollup-test", ExternalCode = "R-1", PayloadHash = new string('0', 64),
                ProcedureCode = "9.999", ProcedureVersion = 1, ProcedureName = "Thủ tục thử", ApplicantName = "Lê Văn C", Channel = "online",
                ReceptionPoint = "ward-1", ReceivedAt = received, CountingFrom = received, OriginalDueAt = due, DueAt = due, Status = 4,
                Documents = "[]", DocumentCount = 0, CreatedAt = received, UpdatedAt = received, RowVersion = 1,
            });
            await db.SaveChangesAsync();
        }

        const string Url = "/api/reports/summary?from=2026-01-01&to=2026-02-28&groupBy=month&procedure=9.999";
        var open = await ReportData.GetAsync<SummaryReport>(client, Url);
        Assert.Equal((1, 1, 1), (open.Rows[0].Received.Total, open.Rows[0].InProgress.Total, open.Rows[0].InProgress.Late));
        Assert.Equal((1, 1, 0), (open.Rows[1].CarriedOver, open.Rows[1].InProgress.Total, open.Rows[1].Finished.Total));
        Assert.Equal(0, await CountedAsync(app, "9.999"));

        // Resolved late on 5 February (the commit path stores the timeliness with the status).
        var completed = new DateTimeOffset(2026, 2, 5, 10, 0, 0, ReportData.Vietnam);
        await UpdateAsync(app, id, d =>
        {
            d.Status = 9;
            d.CompletedAt = completed;
            d.Timeliness = StoredFacts.Timeliness(ReportData.Calendar, due, completed);
        });
        var closed = await ReportData.GetAsync<SummaryReport>(client, Url);
        Assert.Equal((1, 1, 1), (closed.Rows[0].Received.Total, closed.Rows[0].InProgress.Total, closed.Rows[0].InProgress.Late));
        Assert.Equal((1, 0, 1, 1), (closed.Rows[1].CarriedOver, closed.Rows[1].InProgress.Total, closed.Rows[1].Finished.Total, closed.Rows[1].Finished.Late));
        Assert.Equal((1, 1), (closed.Total.Received.Total, closed.Total.Finished.Late));
        Assert.Equal(1, await CountedAsync(app, "9.999"));

        // The result is returned: the count moves from status 9 to status 10, still once.
        await UpdateAsync(app, id, d => d.Status = 10);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var counts = await db.DossierMonthCounts.AsNoTracking().Where(c => c.ProcedureCode == "9.999" && c.Dossiers != 0).ToListAsync();
            var count = Assert.Single(counts);
            Assert.Equal((10, StoredFacts.Late, 202601, 202602, 202601, 1), (count.Status, count.Timeliness, count.ReceivedMonth, count.CompletedMonth, count.DueMonth, count.Dossiers));
        }

        Assert.Equal(closed.Rows, (await ReportData.GetAsync<SummaryReport>(client, Url)).Rows);

        // Removed (the retention sweep's delete), it leaves the roll-up too.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await db.Dossiers.Where(d => d.Id == id).ExecuteDeleteAsync();
        }

        Assert.Equal(0, await CountedAsync(app, "9.999"));
    }

    private static async Task<int> CountedAsync(WorkflowsApp app, string procedure)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        return await db.DossierMonthCounts.Where(c => c.ProcedureCode == procedure).SumAsync(c => c.Dossiers);
    }

    private static async Task UpdateAsync(WorkflowsApp app, Guid id, Action<DossierRow> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var dossier = await db.Dossiers.SingleAsync(d => d.Id == id);
        change(dossier);
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteReportsRollUpTests(SqliteDatabase database) : ReportsRollUpTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReportsRollUpTests(PostgresDatabase database) : ReportsRollUpTests(database), IClassFixture<PostgresDatabase>;
