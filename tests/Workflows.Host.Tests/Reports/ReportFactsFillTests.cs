using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

/// <summary>The report facts of rows written without them are filled when the Host starts, before any report asks.</summary>
public abstract class ReportFactsFillTests(DatabaseFixture database)
{
    private static readonly ReportData Data = ReportData.Generate();

    [Fact]
    public async Task A_host_starting_on_rows_without_facts_fills_them_and_the_month_roll_up_in_the_background()
    {
        // Written straight into the tables (as an import or an upgrade leaves them) by a Host without background work.
        await using (var seeding = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now)))
        {
            await Data.SeedAsync(seeding);
            Assert.True(await PendingAsync(seeding) > 0);
        }

        await using var app = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now), settings: new Dictionary<string, string> { ["Runtime:Background"] = "true" });
        _ = app.Services; // starts the Host, and its hosted services
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await PendingAsync(app) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the facts were not filled within 120 s of start-up");
            await Task.Delay(100);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.Equal(Data.Dossiers.Count(d => d.CompletedAt is not null), await db.DossierMonthCounts.SumAsync(c => c.Dossiers));
    }

    private static async Task<int> PendingAsync(WorkflowsApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        return await db.Tasks.CountAsync(t => t.State == TaskStates.Completed && t.Timeliness == null)
            + await db.Dossiers.CountAsync(d => (d.CompletedAt != null && d.Timeliness == null) || d.DocumentCount == null);
    }
}

public sealed class SqliteReportFactsFillTests(SqliteDatabase database) : ReportFactsFillTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReportFactsFillTests(PostgresDatabase database) : ReportFactsFillTests(database), IClassFixture<PostgresDatabase>;
