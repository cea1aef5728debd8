using Workflows.Host.Access;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Definitions;
using Workflows.Host.Documents;
using Workflows.Host.Dossiers;
using Workflows.Host.Infrastructure;
using Workflows.Host.Intake;
using Workflows.Host.Migrations;
using Workflows.Host.Notifications;
using Workflows.Host.Observability;
using Workflows.Host.Outbox;
using Workflows.Host.Persistence;
using Workflows.Host.Replay;
using Workflows.Host.Reports;
using Workflows.Host.Runtime;
using Workflows.Host.Tasks;

// `Workflows.Host replay ...` plays a generated period into the configured database and exits (ReplayCommand).
var replayVerb = args.Length > 0 && args[0] == ReplayCommand.Verb;
ReplayCommandOptions? replayOptions = null;
if (replayVerb)
{
    replayOptions = ReplayCommand.Parse(args[1..], out var replayError);
    if (replayOptions is null)
    {
        await Console.Error.WriteLineAsync(replayError);
        Environment.ExitCode = 2;
        return;
    }
}

var builder = WebApplication.CreateBuilder(replayVerb ? [] : args);

builder.AddConsoleLogging();
builder.AddObservability();
builder.Services.AddApiInfrastructure();
builder.Services.AddPersistence(builder.Configuration);
builder.Services.AddAccess(builder.Configuration);
builder.Services.AddWorkflowEngine(builder.Configuration);
builder.Services.AddRuntime(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddOutbox(builder.Configuration);
builder.Services.AddDefinitions(builder.Configuration);
builder.Services.AddIntake(builder.Configuration);
builder.Services.AddDossiers();
builder.Services.AddDocuments(builder.Configuration);
builder.Services.AddDeadlineFlows(builder.Configuration);
builder.Services.AddMigrations(builder.Configuration);
builder.Services.AddReports(builder.Configuration);
// Last: a replay builds its own provider from every registration above.
builder.Services.AddReplay(builder.Configuration, builder.Environment);

var app = builder.Build();

app.UseApiInfrastructure();
app.MapApiDocumentation();
app.UseAccess();
app.UseRequestTextGuard();
app.MapHealth();
app.MapMetrics();
app.MapPrincipalsApi();
app.MapAuthApi(app.Environment);
app.MapDefinitionsApi();
app.MapDepartmentsApi();
app.MapReceptionPointsApi();
app.MapReportsApi();
app.MapTasksApi();
app.MapIntakeApi();
app.MapDossiersApi();
app.MapDocumentsApi();
app.MapRuntimeApi();
app.MapDeadlinesApi();
app.MapMigrationsApi();

await app.Services.MigrateDatabaseAsync();
await app.Services.SeedPrincipalsAsync();
await app.Services.LoadDefinitionsAsync();
app.Services.LoadWorkingCalendar();
await app.Services.LoadStoredCalendarsAsync();

if (replayOptions is not null)
{
    // No HTTP and no background work: the replay alone writes, then the process ends.
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    try
    {
        await ReplayCommand.RunAsync(app.Services, replayOptions, Console.Out, stop.Token);
    }
    catch (ReplayRefusedException refused)
    {
        await Console.Error.WriteLineAsync(refused.Message);
        Environment.ExitCode = 1;
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        // Each event commits on its own: what was played stays in the database.
        await Console.Error.WriteLineAsync("Đã dừng phát lại (Ctrl+C): những hồ sơ đã phát vẫn được giữ.");
        Environment.ExitCode = 130;
    }

    return;
}

await app.RunAsync();
