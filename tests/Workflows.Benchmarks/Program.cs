using BenchmarkDotNet.Running;
using Workflows.Benchmarks.Designer;
using Workflows.Benchmarks.Durable;

// `durable [--seconds 20] [--warmup 30] [--clients 2,16] [--repeat 1]`: the Host over HTTP on PostgreSQL against pgbench baselines (on demand only).
if (args.Length > 0 && args[0] == "durable")
{
    return await DurableHarness.RunAsync(args[1..]);
}

// `dossiers [--seconds 15] [--warmup 20] [--clients 2,16] [--runs 5] [--host <Workflows.Host.dll>]`: S0, whole walkthrough dossiers per second over HTTP against pgbench writing the same rows.
if (args.Length > 0 && args[0] == "dossiers")
{
    return await Workflows.Benchmarks.Dossiers.WholeDossierHarness.RunAsync(args[1..]);
}

// `footprint [--active 100000] [--closed 50000] [--variants default,DOTNET_gcServer=1,dll=<Workflows.Host.dll>;NAME=VALUE]`: S5, Host memory, bytes per active dossier and the retention sweep.
if (args.Length > 0 && args[0] == "footprint")
{
    return await Workflows.Benchmarks.Footprint.FootprintHarness.RunAsync(args[1..]);
}

// `reports [--dossiers 100000] [--runs 5] [--raw-runs <N, default --runs>] [--with-facts] [--baseline-host <Workflows.Host.dll of an earlier build>] [--database <existing name>]`: reports and search on a generated year, or on an existing database (upgraded, never dropped).
if (args.Length > 0 && args[0] == "reports")
{
    return await Workflows.Benchmarks.Reports.ReportsBenchmark.RunAsync(args[1..]);
}

// `designer [--procedures 2000] [--repetitions 20] [--warmup 5]`: Designer page times with a city-sized catalogue, in Chromium (on demand only).
if (args.Length > 0 && args[0] == "designer")
{
    return await DesignerHarness.RunAsync(args[1..]);
}

// `replay [--days 1] [--per-day 15000] [--parallel 8] [--runs 1]`: S3, a slice of an HCMC year through the Host's replay verb, beside pgbench.
if (args.Length > 0 && args[0] == "replay")
{
    return await Workflows.Benchmarks.Replay.ReplayBenchmark.RunAsync(args[1..]);
}

// S4 at scale (issue 13): `scale-lookups`, `scale-timers`, `scale-startup`, `scale-calendar` (see docs/benchmarks.md).
switch (args.Length > 0 ? args[0] : string.Empty)
{
    case "scale-lookups": return await Workflows.Benchmarks.Scale.LookupsBenchmark.RunAsync(args[1..]);
    case "scale-timers": return await Workflows.Benchmarks.Scale.TimerBurstBenchmark.RunAsync(args[1..]);
    case "scale-startup": return await Workflows.Benchmarks.Scale.StartupBenchmark.RunAsync(args[1..]);
    case "scale-calendar": return await Workflows.Benchmarks.Scale.CalendarEditBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
