using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>The deadline sweep's background writes never fail an officer's completion that they race.</summary>
public abstract partial class DeadlineFlowsTests
{
    [Fact]
    public async Task A_due_soon_warning_written_between_a_completions_read_and_commit_does_not_fail_the_completion()
    {
        using var definitions = new TestDefinitionsFolder();
        var clock = new ManualClock(At(2, 10));
        var sweepFirst = new BeforeNextTransaction();
        await using var app = new WorkflowsApp(database, definitions.Path, clock, services: services =>
        {
            services.ConfigureDbContext<SqliteWorkflowsDbContext>(o => o.AddInterceptors(sweepFirst));
            services.ConfigureDbContext<PostgresWorkflowsDbContext>(o => o.AddInterceptors(sweepFirst));
        });
        using (var scope = app.Services.CreateScope())
        {
            var setup = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            await setup.Set<CalendarRow>().ExecuteDeleteAsync();
            await app.Services.GetRequiredService<CalendarProvider>().ReloadAsync(setup, CancellationToken.None);
        }

        // T.0001, not D.0001: another test of the class counts D.0001's finished dossiers in a report.
        var (code, review) = await ReceiveAndPassTheDeskAsync(app);
        using var urban = app.ClientWithKey(WorkflowsApp.UrbanOfficerKey);
        Assert.Equal(HttpStatusCode.OK, (await urban.GetAsync(new Uri($"/api/tasks/{review}", UriKind.Relative))).StatusCode);

        // Tuesday 3 March 11:00: review has less than a working day left, so the sweep warns its department. The
        // sweep runs after the completion has read the task and its instance, just before the completion's commit
        // begins: the warning's journal row commits first and advances the instance.
        clock.Now = At(3, 11);
        var sweep = app.Services.GetRequiredService<DeadlineSweep>();
        DeadlineSweepResult? swept = null;
        sweepFirst.Arm(async () => swept = await sweep.RunOnceAsync(clock.Now));
        var completed = await urban.PostAsJsonAsync($"/api/tasks/{review}/complete", new { outcome = "approved", note = "Đủ điều kiện cấp phép" });

        Assert.True(sweepFirst.Ran, "The sweep did not run between the completion's read and its commit.");
        Assert.True(swept is { TasksWarned: > 0 }, $"The sweep warned nothing: {swept}.");
        Assert.True(completed.StatusCode == HttpStatusCode.OK, $"{(int)completed.StatusCode} {await completed.Content.ReadAsStringAsync()}");
        using var desk = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        var timeline = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}/timeline"))!;
        var events = timeline["events"]!.AsArray().Select(e => ((string?)e!["kind"], (string?)e["nodeId"], (long)e["sequence"]!)).ToList();
        Assert.Contains(events, e => e.Item1 == DeadlineJournalKinds.DueSoonWarned && e.Item2 == "review");
        var review_ = timeline["handovers"]!.AsArray().Single(h => (string?)h!["nodeId"] == "review")!;
        Assert.Equal(("completed", "approved", "Đủ điều kiện cấp phép"), ((string?)review_["state"], (string?)review_["outcome"], (string?)review_["note"]));
        Assert.Equal(events.Count, events.Select(e => e.Item3).Distinct().Count());
        var dossier = (await desk.GetFromJsonAsync<JsonObject>($"/api/dossiers/{code}"))!;
        Assert.Equal(9, (int?)dossier["status"]);
    }

    /// <summary>Runs an action once, before the next database transaction of the Host begins (then the action's own run freely).</summary>
    private sealed class BeforeNextTransaction : DbTransactionInterceptor
    {
        private Func<Task>? action;

        public bool Ran { get; private set; }

        public void Arm(Func<Task> next) => Volatile.Write(ref action, next);

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref action, null) is { } next)
            {
                await next();
                Ran = true;
            }

            return result;
        }
    }
}
