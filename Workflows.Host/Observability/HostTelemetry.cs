using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Workflows.Host.Observability;

/// <summary>
/// The platform's own spans and measurements, beside what ASP.NET Core, HttpClient and Npgsql report: one
/// <see cref="ActivitySource"/> for the spans the Host opens itself (the commit of a changeset), and the
/// counters and histograms operators watch (dossiers received, steps completed and late, commit duration,
/// timer lag). The gauges read from the database live in <see cref="RuntimeGauges"/>.
/// </summary>
internal sealed class HostTelemetry
{
    /// <summary>The name of the Host's activity source and meter, as exporters and dashboards select them.</summary>
    public const string Name = "Workflows.Host";

    /// <summary>Spans the Host opens itself; a no-op when nothing listens.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> dossiersReceived;
    private readonly Counter<long> stepsCompleted;
    private readonly Counter<long> stepsLate;
    private readonly Histogram<double> commitDuration;
    private readonly Histogram<double> timerLag;

    public HostTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(Name);
        dossiersReceived = meter.CreateCounter<long>("workflows.dossiers.received", "{dossier}", "Dossiers received from intake systems (new dossiers only, not replays)");
        stepsCompleted = meter.CreateCounter<long>("workflows.steps.completed", "{step}", "Steps completed or returned by officers");
        stepsLate = meter.CreateCounter<long>("workflows.steps.late", "{step}", "Steps completed after their due time");
        commitDuration = meter.CreateHistogram<double>("workflows.commit.duration", "s", "Time to commit one changeset (instance, tasks, timers, journal and outbox together)");
        timerLag = meter.CreateHistogram<double>("workflows.timer.lag", "s", "How long after its due time a timer fired");
    }

    public void DossierReceived(string procedureCode, string channel) =>
        dossiersReceived.Add(1, new("procedure", procedureCode), new("channel", channel));

    /// <summary>A step closed by an officer; <paramref name="sla"/> is the task's SLA state when it closed.</summary>
    public void StepCompleted(string department, string procedureCode, string? sla)
    {
        var tags = new TagList { { "department", department }, { "procedure", procedureCode } };
        stepsCompleted.Add(1, tags);
        if (sla == "late")
        {
            stepsLate.Add(1, tags);
        }
    }

    /// <param name="path"><c>batch</c> (one round trip, PostgreSQL inserts), <c>transaction</c>, or <c>many</c> (several changesets in one transaction: a sweep's due timers).</param>
    public void Committed(TimeSpan elapsed, string path, bool succeeded) =>
        commitDuration.Record(elapsed.TotalSeconds, new("path", path), new("outcome", succeeded ? "committed" : "failed"));

    public void TimerFired(TimeSpan lag) => timerLag.Record(Math.Max(0, lag.TotalSeconds));
}
