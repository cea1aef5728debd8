using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Startup;

/// <summary>A wrong setting stops the Host before it serves anything, with a message naming the setting.</summary>
public sealed class SettingsTests : IClassFixture<SqliteDatabase>
{
    private readonly SqliteDatabase database;

    public SettingsTests(SqliteDatabase database) => this.database = database;

    [Theory]
    [InlineData("Deadlines:CutOff", "25:99")]
    [InlineData("Deadlines:CutOffScope", "Sometimes")]
    [InlineData("Deadlines:WarnBefore", "soon")]
    [InlineData("Deadlines:SweepInterval", "00:00:00")]
    [InlineData("Deadlines:BatchSize", "0")]
    [InlineData("Runtime:TimerPollInterval", "-00:00:01")]
    [InlineData("Runtime:TimerBatchSize", "0")]
    [InlineData("Runtime:TimerSweeps", "0")]
    [InlineData("Runtime:OutboxBatchSize", "1000000")]
    [InlineData("Runtime:MaxAttempts", "0")]
    [InlineData("Runtime:WebhookTimeout", "abc")]
    [InlineData("Runtime:Background", "maybe")]
    [InlineData("Database:Provider", "Oracle")]
    [InlineData("Intake:AgencyCode", "../etc")]
    [InlineData("Intake:MaxPayloadBytes", "0")]
    [InlineData("Documents:LookupUrl", "tra cuu {code}")]
    [InlineData("Notifications:Smtp:Port", "70000")]
    [InlineData("Observability:OtlpEndpoint", "not a url")]
    [InlineData("Observability:GaugeSampleInterval", "2.00:00:00")]
    public void A_wrong_setting_stops_start_up_with_a_message_naming_it(string key, string value)
    {
        using var app = new WorkflowsApp(database, settings: new Dictionary<string, string> { [key] = value });

        var failure = Record.Exception(() => app.CreateClient());

        Assert.NotNull(failure);
        Assert.Contains(key, Messages(failure), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_settings_start_the_host()
    {
        using var app = new WorkflowsApp(database);

        using var client = app.CreateClient();

        Assert.NotNull(client);
    }

    [Fact]
    public async Task A_host_process_with_a_wrong_setting_exits_and_says_which_setting()
    {
        var folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "workflows.db")}",
            ["Definitions__Path"] = WorkflowsApp.SampleDefinitions,
            ["Deadlines__CutOff"] = "25:99",
        };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            HostProcess.StartAsync(HostProcess.FreePort(), folder, environment, TimeSpan.FromSeconds(60)));

        Assert.Contains("The Host exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Deadlines:CutOff", failure.Message, StringComparison.Ordinal);
        Assert.Contains("25:99", failure.Message, StringComparison.Ordinal);
    }

    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(Messages));
            }
        }

        return string.Join("\n", messages);
    }
}
