using System.Globalization;
using System.Text.Json;
using Workflows.Engine.Calendar;

namespace Workflows.Host.Replay;

/// <summary>
/// The options of <c>Workflows.Host replay</c>: which generated period to play into the configured database.
/// </summary>
internal sealed record ReplayCommandOptions
{
    /// <summary>First day of arrivals (local); default: <see cref="Days"/> days before today.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Calendar days of arrivals.</summary>
    public int Days { get; init; } = 1;

    /// <summary>Mean dossiers a working day brings (HCMC's city centre: about 15,000).</summary>
    public double PerDay { get; init; } = 60;

    public int Seed { get; init; } = 1;

    /// <summary>Events up to the end of this day (local) are played; default: up to now (the rest is left to the live Host).</summary>
    public DateOnly? Until { get; init; }

    /// <summary>Dossiers played at once.</summary>
    public int Parallel { get; init; } = 4;

    /// <summary>External codes are <c>&lt;prefix&gt;-&lt;plan number&gt;</c>; default <c>R&lt;seed&gt;</c>.</summary>
    public string? Prefix { get; init; }

    /// <summary>At most this many dossiers, the first to arrive (a fraction of a busy day at its real rate); default all.</summary>
    public int? Limit { get; init; }

    /// <summary>Where to write the summary as JSON (for tools such as the benchmark), if anywhere.</summary>
    public string? ReportPath { get; init; }
}

/// <summary>
/// <c>Workflows.Host replay [--from yyyy-MM-dd] [--days 1] [--per-day 60] [--seed 1] [--until yyyy-MM-dd] [--parallel 4]
/// [--prefix R1] [--limit n] [--report file.json]</c>: generates a centre's arrivals and officers' work for the published catalogue and
/// plays them through the Host's own code path (<see cref="WorkloadReplayer"/>) into the configured database, with a
/// progress bar, then prints a summary and exits; no HTTP is served and no background work runs meanwhile. Exit code 0
/// when done, 2 for a wrong option (named on the error output).
/// </summary>
internal static class ReplayCommand
{
    public const string Verb = "replay";

    private const string Usage =
        "Cách dùng: Workflows.Host replay [--from yyyy-MM-dd] [--days 1] [--per-day 60] [--seed 1] [--until yyyy-MM-dd] [--parallel 4] [--prefix R1] [--limit n] [--report tệp.json]";

    /// <summary>The options, or null with <paramref name="error"/> naming the wrong one.</summary>
    public static ReplayCommandOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ReplayCommandOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!Known(name))
            {
                error = $"Không có tuỳ chọn {name}. {Usage}";
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error = $"Tuỳ chọn {name} thiếu giá trị. {Usage}";
                return null;
            }

            var value = args[++i];
            options = name switch
            {
                "--from" when Date(value) is { } from => options with { From = from },
                "--until" when Date(value) is { } until => options with { Until = until },
                "--days" when Whole(value, 1, 3660) is { } days => options with { Days = days },
                "--seed" when Whole(value, int.MinValue, int.MaxValue) is { } seed => options with { Seed = seed },
                "--parallel" when Whole(value, 1, 256) is { } parallel => options with { Parallel = parallel },
                "--per-day" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var perDay) && perDay is >= 0.1 and <= 100_000 =>
                    options with { PerDay = perDay },
                "--prefix" when value.Length is > 0 and <= 20 && value.All(char.IsAsciiLetterOrDigit) => options with { Prefix = value },
                "--limit" when Whole(value, 1, int.MaxValue) is { } limit => options with { Limit = limit },
                "--report" when value.Length > 0 => options with { ReportPath = value },
                _ => null!,
            };
            if (options is null)
            {
                error = $"Giá trị \"{value}\" của {name} không hợp lệ ({Expected(name)}). {Usage}";
                return null;
            }
        }

        if (options.From is { } first && options.Until is { } last && last < first)
        {
            error = $"--until ({last:yyyy-MM-dd}) phải từ --from ({first:yyyy-MM-dd}) trở đi. {Usage}";
            return null;
        }

        return options;
    }

    /// <summary>Plays the options' period into the database of <paramref name="services"/> (the Host's, started) and prints a summary.</summary>
    public static async Task<ReplayReport> RunAsync(IServiceProvider services, ReplayCommandOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var calendar = services.GetRequiredService<WorkingCalendar>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(calendar.UtcOffset).DateTime);
        var from = options.From ?? today.AddDays(-options.Days);
        var to = from.AddDays(options.Days - 1);
        var until = options.Until is { } day ? LocalMidnight(day.AddDays(1), calendar) : now;
        await using var replay = await ReplayServices.CreateAsync(services.GetRequiredService<HostRegistrations>(), LocalMidnight(from, calendar), cancellationToken);
        var settings = await ReplayPlans.SettingsAsync(replay.Provider, from, to, options.PerDay, options.Seed, cancellationToken);
        if (settings.Procedures.Count == 0)
        {
            throw new ReplayRefusedException("Không có thủ tục nào đã công bố: không có gì để phát lại.");
        }

        var plan = ReplayPlans.Generate(calendar, settings, until);
        if (options.Limit is { } limit && plan.Count > limit)
        {
            plan = plan[..limit];
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Phát lại {plan.Count} hồ sơ nhận từ {from:dd/MM/yyyy} đến {to:dd/MM/yyyy} (hạt giống {options.Seed}, {options.Parallel} hồ sơ song song), đến {until.ToOffset(calendar.UtcOffset):dd/MM/yyyy HH:mm}"));
        var bar = new ConsoleProgressBar("Phát lại");
        var replayer = new WorkloadReplayer(replay, options.Prefix ?? $"R{options.Seed}") { Parallelism = options.Parallel };
        var report = await replayer.RunAsync(plan, until, bar, cancellationToken);
        bar.Done();
        var seconds = Math.Max(report.Elapsed.TotalSeconds, 1e-9);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Đã phát lại {report.Received} hồ sơ ({report.NotReceived} không tiếp nhận được) và {report.Transitions} lần chuyển bước trong {report.Elapsed.TotalSeconds:F1} giây: {report.Received / seconds:F1} hồ sơ/giây, {report.Transitions / seconds:F1} lần chuyển bước/giây"));
        await output.WriteLineAsync($"Thời gian theo loại việc: {report.ProfileText}");
        if (options.ReportPath is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
            {
                report.Received,
                report.NotReceived,
                report.StepsCompleted,
                report.Signals,
                report.Withdrawals,
                report.TimersFired,
                report.Sweeps,
                report.Rejected,
                report.Transitions,
                ElapsedSeconds = report.Elapsed.TotalSeconds,
                ProfileSeconds = report.Profile.ToDictionary(p => p.Key, p => p.Value.TotalSeconds),
            }, JsonSerializerOptions.Web), cancellationToken);
        }

        return report;
    }

    private static DateTimeOffset LocalMidnight(DateOnly day, WorkingCalendar calendar) => new(day.ToDateTime(TimeOnly.MinValue), calendar.UtcOffset);

    private static DateOnly? Date(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static int? Whole(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max ? number : null;

    private static bool Known(string name) => name is "--from" or "--until" or "--days" or "--seed" or "--parallel" or "--per-day" or "--prefix" or "--limit" or "--report";

    private static string Expected(string name) => name switch
    {
        "--from" or "--until" => "một ngày dạng yyyy-MM-dd",
        "--days" => "số nguyên từ 1 đến 3660",
        "--parallel" => "số nguyên từ 1 đến 256",
        "--limit" => "một số nguyên dương",
        "--seed" => "một số nguyên",
        "--per-day" => "số từ 0.1 đến 100000",
        "--prefix" => "1-20 chữ cái hoặc chữ số không dấu",
        _ => "một đường dẫn tệp",
    };
}

/// <summary>Why a replay cannot start, in the operator's words (printed as one line; the process exits with 1).</summary>
internal sealed class ReplayRefusedException(string message) : Exception(message);
