using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Intake;

/// <summary>What an intake writes to the log at the production level (Information; EF at Warning, as appsettings.json).</summary>
public abstract class IntakeLoggingTests(DatabaseFixture database)
{
    [Fact]
    public async Task An_intake_logs_neither_statement_text_nor_the_applicants_data_at_information()
    {
        var logs = new CapturedLogs();
        await using var app = new WorkflowsApp(database, services: s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            // The tests' Warning default back to appsettings.json's Information; EF's own categories stay at Warning.
            s.Configure<LoggerFilterOptions>(o =>
            {
                o.Rules.Clear();
                o.MinLevel = LogLevel.Information;
                o.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
                o.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
            });
        });
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var body = IntakeTests.Body(IntakeTests.NewExternalCode(), applicant: "Lê Thị Hoa");
        body["applicant"]!["address"] = "Số 7 Lý Thường Kiệt";

        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var lines = logs.Entries.Select(e => e.Message).ToList();
        Assert.Contains(lines, l => l.Contains("received for T.0001", StringComparison.Ordinal));
        foreach (var forbidden in new[] { "INSERT", "Lê Thị Hoa", "001203004005", "0912345678", "Lý Thường Kiệt" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
        }
    }
}

public sealed class SqliteIntakeLoggingTests(SqliteDatabase database) : IntakeLoggingTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresIntakeLoggingTests(PostgresDatabase database) : IntakeLoggingTests(database), IClassFixture<PostgresDatabase>;
