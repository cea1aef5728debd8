using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Observability;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>
/// Gauges of work waiting in the database: the outbox backlog and its dead letters, pending and due timers, and
/// open steps past their due time. They are read when a metrics reader collects (a Prometheus scrape, an OTLP
/// export), from a sample reused for <see cref="ObservabilityOptions.GaugeSampleInterval"/>, so scrapes cost at most
/// four indexed counts per interval and none in between. A database that does not answer leaves the gauges
/// without a value for that collection (a gap in the graph) instead of failing the scrape.
/// </summary>
internal sealed partial class RuntimeGauges : IHostedService
{
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;
    private readonly TimeSpan sampleInterval;
    private readonly ILogger<RuntimeGauges> logger;
    private readonly Lock gate = new();
    private Sample? last;

    public RuntimeGauges(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider time, IOptions<ObservabilityOptions> options, ILogger<RuntimeGauges> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(options);
        this.scopes = scopes;
        this.time = time;
        this.logger = logger;
        sampleInterval = options.Value.GaugeSampleInterval;
        var meter = meters.Create(HostTelemetry.Name);
        meter.CreateObservableGauge("workflows.outbox.backlog", () => Read(s => s.OutboxBacklog), "{message}", "Outbox messages waiting for delivery");
        meter.CreateObservableGauge("workflows.outbox.dead_letters", () => Read(s => s.DeadLetters), "{message}", "Outbox messages that failed every attempt");
        meter.CreateObservableGauge("workflows.timers.pending", () => Read(s => s.PendingTimers), "{timer}", "Timers waiting to fire");
        meter.CreateObservableGauge("workflows.timers.due", () => Read(s => s.DueTimers), "{timer}", "Timers past their due time and not fired yet");
        meter.CreateObservableGauge("workflows.steps.overdue", () => Read(s => s.OverdueSteps), "{step}", "Open steps past their due time");
    }

    // A hosted service only so that it is built (and its gauges exist) when the Host starts.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<long>> Read(Func<Sample, long> value)
    {
        var sample = Current();
        return sample is null ? [] : [new Measurement<long>(value(sample))];
    }

    private Sample? Current()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (last is null || now - last.TakenAt >= sampleInterval)
            {
                last = Take(now) ?? last;
            }

            return last;
        }
    }

    // Synchronous on purpose: metric callbacks are synchronous, and a collection runs on the exporter's thread.
    private Sample? Take(DateTimeOffset now)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var timers = db.Bookmarks.Where(b => b.Kind == StoredValues.TimerBookmark);
            return new Sample(
                now,
                db.Outbox.Count(o => o.DeliveredAt == null && !o.Dead),
                db.Outbox.Count(o => o.Dead),
                timers.Count(),
                timers.Count(b => b.DueAt <= now),
                db.Tasks.Count(t => t.State == TaskStates.Open && t.DueAt < now));
        }
        catch (DbException exception)
        {
            SampleFailed(logger, exception.Message);
            return null;
        }
        catch (InvalidOperationException exception)
        {
            // EF wraps a failure it classified as transient (connection refused, shutting down) this way.
            SampleFailed(logger, exception.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "The runtime gauges could not be read from the database: {Reason}")]
    private static partial void SampleFailed(ILogger logger, string reason);

    private sealed record Sample(DateTimeOffset TakenAt, long OutboxBacklog, long DeadLetters, long PendingTimers, long DueTimers, long OverdueSteps);
}
