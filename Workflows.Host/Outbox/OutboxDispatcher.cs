using System.Text.Json.Nodes;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Runtime;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

/// <summary>What one dispatcher pass did.</summary>
internal sealed record OutboxPass(int Claimed, int Delivered, int Failed, int Dead);

/// <summary>
/// Delivers pending outbox rows (<c>delivered_at IS NULL AND NOT dead AND next_attempt_at &lt;= now</c>), at
/// least once: each is published in-process as a MediatR notification of its kind; the handlers do the work.
/// Success marks the row delivered; a failure counts an attempt and schedules the next one with exponential
/// backoff (base * 2^attempts, capped), and after <see cref="RuntimeOptions.MaxAttempts"/> the row is dead
/// (the dead-letter list, retried by an administrator).
/// </summary>
/// <remarks>
/// Claiming: one statement moves <c>next_attempt_at</c> of a batch to now + <see cref="RuntimeOptions.OutboxLease"/>;
/// on PostgreSQL the batch is selected <c>FOR UPDATE SKIP LOCKED</c>, so concurrent dispatchers on other nodes
/// take disjoint batches, and a dispatcher that dies mid-batch leaves its messages to be delivered again when
/// the lease ends. Receivers drop duplicates by message id (X-Message-Id).
/// </remarks>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptions<RuntimeOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int MaxErrorLength = 2000;

    private readonly RuntimeOptions settings = options.Value;

    /// <summary>One pass at <paramref name="now"/>: claims a batch of due messages and delivers each.</summary>
    public async Task<OutboxPass> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var claimed = await ClaimAsync(now, cancellationToken);
        int delivered = 0, failed = 0, dead = 0;
        foreach (var message in claimed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (await DeliverAsync(message, now, cancellationToken))
            {
                case Outcome.Delivered:
                    delivered++;
                    break;
                case Outcome.Dead:
                    dead++;
                    break;
                default:
                    failed++;
                    break;
            }
        }

        return new OutboxPass(claimed.Count, delivered, failed, dead);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(
            async token => (await RunOnceAsync(time.GetUtcNow(), token)).Claimed >= settings.OutboxBatchSize,
            settings.OutboxPollInterval,
            exception => logger.PassFailed(exception, "outbox"),
            stoppingToken);

    private async Task<List<ClaimedMessage>> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var batch = Math.Max(1, settings.OutboxBatchSize);
        var leaseUntil = now + settings.OutboxLease;

        if (db.Database.IsNpgsql())
        {
            var utcNow = now.ToUniversalTime();
            var utcLease = leaseUntil.ToUniversalTime();
            return await db.Database.SqlQuery<ClaimedMessage>($"""
                UPDATE outbox AS o SET next_attempt_at = {utcLease}
                FROM (
                    SELECT id FROM outbox
                    WHERE delivered_at IS NULL AND NOT dead AND (next_attempt_at IS NULL OR next_attempt_at <= {utcNow})
                    ORDER BY next_attempt_at
                    LIMIT {batch}
                    FOR UPDATE SKIP LOCKED
                ) AS due
                WHERE o.id = due.id
                RETURNING o.id AS "Id", o.instance_id AS "InstanceId", o.kind AS "Kind", o.payload::text AS "Payload",
                          o.attempts AS "Attempts", o.created_at AS "CreatedAt"
                """).ToListAsync(cancellationToken);
        }

        // SQLite: one node, one writer at a time; select then lease.
        var rows = await db.Outbox.AsNoTracking()
            .Where(o => o.DeliveredAt == null && !o.Dead && (o.NextAttemptAt == null || o.NextAttemptAt <= now))
            .OrderBy(o => o.NextAttemptAt)
            .Take(batch)
            .Select(o => new ClaimedMessage { Id = o.Id, InstanceId = o.InstanceId, Kind = o.Kind, Payload = o.Payload, Attempts = o.Attempts, CreatedAt = o.CreatedAt })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        await db.Outbox.Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, leaseUntil), cancellationToken);
        return rows;
    }

    private async Task<Outcome> DeliverAsync(ClaimedMessage row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var attempts = row.Attempts + 1;
        string error;
        var permanent = false;
        try
        {
            var payload = JsonNode.Parse(row.Payload) as JsonObject ?? throw new PermanentDeliveryException("The payload is not a JSON object.");
            var envelope = new OutboxEnvelope(row.Id, row.InstanceId, row.Kind, payload, row.Attempts, row.CreatedAt);
            await PublishAsync(scope.ServiceProvider.GetRequiredService<IMediator>(), envelope, cancellationToken);
            await db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.DeliveredAt, now)
                .SetProperty(o => o.Attempts, attempts)
                .SetProperty(o => o.LastError, (string?)null), CancellationToken.None);
            logger.MessageDelivered(row.Id, row.Kind, row.InstanceId);
            return Outcome.Delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease ends and the message is delivered again.
            throw;
        }
        catch (PermanentDeliveryException exception)
        {
            error = exception.Message;
            permanent = true;
        }
#pragma warning disable CA1031 // Any failure of a handler (network, receiver, template, database) is a failed attempt.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error = Describe(exception);
        }

        if (error.Length > MaxErrorLength)
        {
            error = error[..MaxErrorLength];
        }

        if (permanent || attempts >= settings.MaxAttempts)
        {
            await db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, attempts)
                .SetProperty(o => o.Dead, true)
                .SetProperty(o => o.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(o => o.LastError, error), CancellationToken.None);
            logger.MessageDead(row.Id, row.Kind, row.InstanceId, attempts, error);
            return Outcome.Dead;
        }

        var next = now + settings.RetryDelay(attempts);
        await db.Outbox.Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Attempts, attempts)
            .SetProperty(o => o.NextAttemptAt, next)
            .SetProperty(o => o.LastError, error), CancellationToken.None);
        logger.MessageFailed(row.Id, row.Kind, row.InstanceId, attempts, next, error);
        return Outcome.Failed;
    }

    private static Task PublishAsync(IMediator mediator, OutboxEnvelope message, CancellationToken cancellationToken) => message.Kind switch
    {
        OutboxKinds.Notify => mediator.Publish(new NotifyRequested(message), cancellationToken),
        OutboxKinds.InstanceEnded => mediator.Publish(new InstanceEnded(message), cancellationToken),
        OutboxKinds.ResumeParent => mediator.Publish(new ResumeParentRequested(message), cancellationToken),
        HostOutboxKinds.StatusChanged => mediator.Publish(new StatusChanged(message), cancellationToken),
        _ => throw new PermanentDeliveryException($"No handler for outbox messages of kind '{message.Kind}'."),
    };

    private static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return exception.InnerException is { } inner ? $"{text} ({inner.GetType().Name}: {inner.Message})" : text;
    }

    private enum Outcome
    {
        Delivered,
        Failed,
        Dead,
    }

    private sealed class ClaimedMessage
    {
        public Guid Id { get; init; }

        public Guid InstanceId { get; init; }

        public string Kind { get; init; } = "";

        public string Payload { get; init; } = "";

        public int Attempts { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }
}
