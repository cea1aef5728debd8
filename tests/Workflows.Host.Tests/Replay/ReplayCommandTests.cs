using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Replay;

/// <summary>
/// <c>Workflows.Host replay</c>, as an operator runs it: the built Host plays a generated period into the configured
/// database, prints a summary and exits.
/// </summary>
public abstract class ReplayCommandTests(DatabaseFixture database)
{
    [Fact]
    public async Task Replay_verb_plays_a_generated_period_into_the_database_prints_a_summary_and_exits()
    {
        var (exitCode, output, errors) = await RunHostAsync(database.Settings,
            "replay", "--from", "2026-03-02", "--days", "2", "--per-day", "6", "--seed", "5", "--until", "2026-04-10", "--parallel", "3", "--prefix", "CMD");

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}\n{errors}");
        await using var app = new WorkflowsApp(database, WorkloadReplayTests.RepositoryDefinitions,
            settings: new Dictionary<string, string> { ["Demo:Seed"] = "false" });
        await using var scope = app.Services.CreateAsyncScope();
        var dossiers = await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AsNoTracking()
            .Where(d => d.ExternalCode.StartsWith("CMD-")).ToListAsync();
        Assert.NotEmpty(dossiers);
        // Received on the two days asked (Monday and Tuesday), and worked on for five weeks: most have ended.
        Assert.All(dossiers, d => Assert.InRange(d.ReceivedAt, new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(7)), new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.FromHours(7))));
        Assert.True(dossiers.Count(d => d.CompletedAt is not null) * 2 > dossiers.Count, "most dossiers have ended after five weeks");
        // The summary names what was played, in Vietnamese.
        Assert.Contains($"Đã phát lại {dossiers.Count} hồ sơ (0 không tiếp nhận được)", output, StringComparison.Ordinal);
        Assert.Contains("hồ sơ/giây", output, StringComparison.Ordinal);
        // History is not news: nothing of it waits in the outbox to be sent.
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Outbox.CountAsync(o => o.DeliveredAt == null && o.Kind != "resumeParent"));
    }

    /// <summary>Runs the built Host with <paramref name="args"/> until it exits (ten minutes at most: a shared machine): exit code, output, errors.</summary>
    internal static async Task<(int ExitCode, string Output, string Errors)> RunHostAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostProcess.HostAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Demo__Seed"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
        info.Environment["Definitions__Path"] = WorkloadReplayTests.RepositoryDefinitions;
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The replay did not end within ten minutes:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }
}

/// <summary>A wrong option stops the verb before anything is written, naming the option.</summary>
public sealed class ReplayCommandOptionTests
{
    [Theory]
    [InlineData("--days", "zero", "--days")]
    [InlineData("--from", "2026-13-01", "--from")]
    [InlineData("--parallel", "0", "--parallel")]
    [InlineData("--frm", "2026-03-02", "--frm")]
    public async Task Replay_verb_refuses_a_wrong_option_naming_it_with_exit_code_2(string name, string value, string named)
    {
        var (exitCode, _, errors) = await ReplayCommandTests.RunHostAsync(new Dictionary<string, string>(), "replay", name, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, errors, StringComparison.Ordinal);
        Assert.Contains("Cách dùng: Workflows.Host replay", errors, StringComparison.Ordinal);
    }
}

public sealed class SqliteReplayCommandTests(SqliteDatabase database) : ReplayCommandTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresReplayCommandTests(PostgresDatabase database) : ReplayCommandTests(database), IClassFixture<PostgresDatabase>;
