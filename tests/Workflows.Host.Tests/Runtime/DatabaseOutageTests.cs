using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Runtime;

/// <summary>
/// PostgreSQL stopped under a running Host (a server of the test's own, never the shared cluster): every request
/// answers 503 with Retry-After and logs one line, and the Host serves again once the database is back.
/// </summary>
public sealed class DatabaseOutageTests(PrivatePostgres database) : IClassFixture<PrivatePostgres>
{
    private const string Unavailable = "urn:workflows:problem:database-unavailable";

    [Fact]
    public async Task Requests_during_a_database_outage_answer_503_with_Retry_After_and_the_Host_serves_again_when_it_is_back()
    {
        var logs = new CapturedLogs();
        await using var app = new WorkflowsApp(database, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        using var admin = app.ClientWithKey(WorkflowsApp.AdministratorKey);
        using var desk = app.ClientWithKey(WorkflowsApp.DeskOfficerKey);
        var created = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["dossierCode"]!;
        var task = (string)(await desk.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);

        await database.StopAsync();
        var before = logs.Entries.Count;
        var retry = IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: "Trần Thị Bình");
        var during = new List<(string Request, HttpResponseMessage Response)>
        {
            ("GET dossier", await admin.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))),
            ("GET queue", await desk.GetAsync(new Uri("/api/tasks", UriKind.Relative))),
            ("POST intake", await intake.PostAsJsonAsync("/api/intake/dossiers", retry)),
            ("POST complete", await desk.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "approved" })),
            ("POST claim", await desk.PostAsync(new Uri($"/api/tasks/{task}/claim", UriKind.Relative), null)),
            ("GET report", await admin.GetAsync(new Uri("/api/reports/summary", UriKind.Relative))),
        };

        foreach (var (request, response) in during)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{request}: {(int)response.StatusCode} {body}");
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, $"{request}: no Retry-After");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Unavailable, (string?)JsonNode.Parse(body)!["type"]);
        }

        // One line per failed request, without a stack trace or the applicant's data.
        var failures = logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.True(failures.Count == during.Count, $"{failures.Count} log entries for {during.Count} failed requests:\n{string.Join("\n", failures.Select(f => $"{f.Level} {f.Category}: {f.Message} {f.Exception?.GetType().Name}"))}");
        Assert.All(failures, f => Assert.Null(f.Exception));
        Assert.All(failures, f => Assert.DoesNotContain("Trần Thị Bình", f.Message, StringComparison.Ordinal));

        // Back within seconds, without a restart: the intake system's retry of the refused intake is stored once.
        await database.StartAsync();
        var back = Stopwatch.StartNew();
        HttpResponseMessage again;
        do
        {
            again = await intake.PostAsJsonAsync("/api/intake/dossiers", retry);
        }
        while (again.StatusCode == HttpStatusCode.ServiceUnavailable && back.Elapsed < TimeSpan.FromSeconds(30));

        Assert.True(again.StatusCode == HttpStatusCode.Created, $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync()} after {back.Elapsed}");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"The Host served again only after {back.Elapsed}.");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/dossiers/{code}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await desk.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "approved" })).StatusCode);
        var search = (await admin.GetFromJsonAsync<JsonObject>("/api/dossiers?applicant=Trần Thị Bình"))!;
        Assert.Equal(1, (int?)search["total"]);
    }
}
