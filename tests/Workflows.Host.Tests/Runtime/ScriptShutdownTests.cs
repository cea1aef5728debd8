using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>The Host as a real process on PostgreSQL, stopped with SIGTERM while a decision script runs.</summary>
[Trait("Category", "Crash")]
[Collection(nameof(RunsAlone))]
public sealed class PostgresScriptShutdownTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string workingDirectory = Path.Combine(Path.GetTempPath(), "workflows-shutdown", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Stopping_the_host_while_a_decision_runs_ends_the_script_and_the_process_within_five_seconds()
    {
        Directory.CreateDirectory(workingDirectory);
        await using var app = new WorkflowsApp(database);
        // A heavy built-in call again and again while the dossier has a floor area (the validator's dry run without
        // data passes it): only the stopping Host can end it, since this Host allows a decision ten minutes and two
        // billion statements.
        await FaultedInstancesTests.PublishAsync(app, "S.0001", "(function () { var a = new Array(100000); while (data.floorArea) { a.indexOf(1); } })()");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["Definitions__Path"] = WorkflowsApp.SampleDefinitions,
            ["Notifications__Folder"] = Path.Combine(workingDirectory, "notifications"),
            ["Decisions__Timeout"] = "00:10:00",
            ["Decisions__MaxStatements"] = "2000000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var host = await HostProcess.StartAsync(HostProcess.FreePort(), workingDirectory, environment, TimeSpan.FromSeconds(30));
        using var intake = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        intake.DefaultRequestHeaders.Add("X-Api-Key", WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();
        var request = intake.PostAsJsonAsync(new Uri("api/intake/dossiers", UriKind.Relative), IntakeTests.Body(externalCode, "S.0001"));

        // An intake answers in milliseconds; one still running after a second is inside the script.
        await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(request.IsCompleted, $"The intake answered before the Host was stopped:\n{host.Tail}");

        host.Terminate();
        var watch = Stopwatch.StartNew();
        var exited = await host.WaitForExitAsync(TimeSpan.FromSeconds(5));
        watch.Stop();

        Assert.True(exited, $"The Host was still running {watch.Elapsed.TotalSeconds:0.0} s after SIGTERM:\n{host.Tail}");
        Assert.Equal(0, host.ExitCode);
        try
        {
            // The intake system is told to come back (503, Retry-After) or loses the connection: either way it was not
            // told the dossier was taken, and retries.
            using var answer = await request;
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        }
        catch (HttpRequestException)
        {
        }

        // Nothing half-written: the unacknowledged dossier was not stored.
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.False(await db.Dossiers.AnyAsync(d => d.ExternalCode == externalCode));
    }

    public void Dispose()
    {
        if (Directory.Exists(workingDirectory))
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}

/// <summary>Timing a shutdown means little on a machine busy with the other test classes: this one runs alone.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
