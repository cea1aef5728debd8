using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Observability;

/// <summary>
/// Meters and activity sources are process-wide: these tests run alone (after the parallel ones), so what they read
/// moved because of what they did, not because another test class received a dossier meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
#pragma warning disable CA1711 // xunit's own word for it
public sealed class TelemetryTests
#pragma warning restore CA1711
{
    public const string Name = "Telemetry (not parallel)";
}

public abstract class ObservabilityTests(DatabaseFixture database)
{
    [Fact]
    public async Task Spans_are_recorded_only_when_an_otlp_endpoint_receives_them_or_tracing_is_asked_for()
    {
        // No exporter: no tracer (spans nobody reads would cost every request and SQL command, and memory at rest).
        await using (var quiet = new WorkflowsApp(database))
        {
            Assert.Null(quiet.Services.GetService<TracerProvider>());
            using var scraper = quiet.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/metrics")).StatusCode);
        }

        // An OTLP endpoint (nothing listens there: export failures are the exporter's, in the background) turns tracing on.
        await using (var exported = new WorkflowsApp(database, settings: new Dictionary<string, string> { ["Observability:OtlpEndpoint"] = "http://127.0.0.1:9/" }))
        {
            Assert.NotNull(exported.Services.GetService<TracerProvider>());
        }

        await using var asked = new WorkflowsApp(database, settings: new Dictionary<string, string> { ["Observability:Tracing"] = "true" });
        Assert.NotNull(asked.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task The_metrics_endpoint_counts_a_received_dossier_and_a_completed_step()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        using var scraper = app.CreateClient();
        var before = await ScrapeAsync(scraper);

        var received = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode()));
        Assert.Equal(HttpStatusCode.Created, received.StatusCode);
        var code = (string)(await received.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        var afterIntake = await ScrapeAsync(scraper);

        var queue = (await desk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=200"))!["items"]!.AsArray();
        var task = (string)queue.Single(t => (string?)t!["dossierCode"] == code)!["id"]!;
        var completed = await desk.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "approved" });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var afterCompletion = await ScrapeAsync(scraper);

        Assert.Equal(1, afterIntake.Sum("workflows_dossiers_received_total", "procedure=\"T.0001\"") - before.Sum("workflows_dossiers_received_total", "procedure=\"T.0001\""));
        Assert.Equal(1, afterCompletion.Sum("workflows_steps_completed_total", "department=\"one-stop-desk\"") - afterIntake.Sum("workflows_steps_completed_total", "department=\"one-stop-desk\""));
        Assert.True(afterCompletion.Sum("workflows_commit_duration_seconds_count") >= before.Sum("workflows_commit_duration_seconds_count") + 2, "the intake and the completion each commit once");
        // Gauges read from the database: the review task the completion opened is waiting, nothing is overdue yet.
        Assert.True(afterCompletion.Has("workflows_outbox_backlog"), "the outbox backlog gauge is exported");
        Assert.Equal(0, afterCompletion.Sum("workflows_outbox_dead_letters"));
        Assert.Equal(0, afterCompletion.Sum("workflows_steps_overdue"));
        Assert.True(afterCompletion.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's request metrics are exported too");
    }

    [Fact]
    public async Task The_metrics_endpoint_needs_no_key_and_carries_no_personal_data()
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        using var scraper = app.CreateClient();
        var body = IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: "Phạm Thị Riêng Tư");
        Assert.Equal(HttpStatusCode.Created, (await intake.PostAsJsonAsync("/api/intake/dossiers", body)).StatusCode);

        var response = await scraper.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("workflows_dossiers_received_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Riêng Tư", text, StringComparison.Ordinal);
        Assert.DoesNotContain("001203004005", text, StringComparison.Ordinal);
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Prometheus text exposition: sample lines "name{labels} value [timestamp]".</summary>
    private sealed class Scrape(string text)
    {
        private readonly List<(string Name, string Labels, double Value)> samples = [.. text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(Parse)];

        public bool Has(string name) => samples.Any(s => s.Name == name);

        public double Sum(string name, string? label = null) =>
            samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);

        private static (string, string, double) Parse(string line)
        {
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = brace < 0 ? line[..line.IndexOf(' ', StringComparison.Ordinal)] : line[..brace];
            var labels = brace < 0 ? string.Empty : line[(brace + 1)..close];
            var rest = (brace < 0 ? line[name.Length..] : line[(close + 1)..]).Trim().Split(' ');
            return (name, labels, double.Parse(rest[0], CultureInfo.InvariantCulture));
        }
    }
}

[Collection(TelemetryTests.Name)]
public sealed class SqliteObservabilityTests(SqliteDatabase database) : ObservabilityTests(database), IClassFixture<SqliteDatabase>;

[Collection(TelemetryTests.Name)]
public sealed class PostgresObservabilityTests(PostgresDatabase database) : ObservabilityTests(database), IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase database = database;

    [Fact]
    public async Task An_intake_is_one_trace_of_the_request_the_commit_and_its_sql()
    {
        var spans = new List<Activity>();
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = new WorkflowsApp(
            database,
            clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)),
            // Spans are recorded when an OTLP endpoint is configured or when asked for (no collector here).
            settings: new Dictionary<string, string> { ["Observability:Tracing"] = "true" },
            services: s => s.ConfigureOpenTelemetryTracerProvider(t => t
                .AddProcessor(new Recorder(spans, requestEnded, "/api/intake/dossiers"))));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);

        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // The server span ends after the response is sent: wait for it (the commit and SQL spans ended before).
        await requestEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Activity[] finished;
        lock (spans)
        {
            finished = [.. spans];
        }

        var request = Assert.Single(finished, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("http.route") == "/api/intake/dossiers");
        var commit = Assert.Single(finished, s => s.Source.Name == "Workflows.Host" && s.OperationName == "workflows.commit" && s.TraceId == request.TraceId);
        Assert.Equal(request.SpanId, commit.ParentSpanId);
        var sql = finished.Where(s => s.Source.Name == "Npgsql" && s.ParentSpanId == commit.SpanId).ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, s => Assert.Equal(request.TraceId, s.TraceId));
        Assert.Contains(sql, s => ((string?)s.GetTagItem("db.query.text") ?? (string?)s.GetTagItem("db.statement") ?? string.Empty).Contains("INSERT INTO", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Keeps every ended span and signals when the server span of <paramref name="route"/> ends.</summary>
    private sealed class Recorder(List<Activity> spans, TaskCompletionSource ended, string route) : OpenTelemetry.BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (spans)
            {
                spans.Add(data);
            }

            if (data.Kind == ActivityKind.Server && (string?)data.GetTagItem("http.route") == route)
            {
                ended.TrySetResult();
            }
        }
    }
}
