using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Runtime;
using Workflows.Host.Infrastructure;
using Workflows.Host.Observability;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>What one sweep did: timers claimed, and how many of them this node fired.</summary>
internal sealed record TimerSweep(int Claimed, int Fired);

/// <summary>
/// Fires due timers. Every <see cref="RuntimeOptions.TimerPollInterval"/> it claims at most
/// <see cref="RuntimeOptions.TimerBatchSize"/> due timer bookmarks (oldest due first) and fires them together through
/// <see cref="WorkflowRunner.ResumeManyAsync"/>: one read of their instances, one transaction for all their writes
/// (one at a time instead if that commit fails). Nothing is loaded ahead of time, so start-up costs nothing however
/// many timers are pending.
/// </summary>
/// <remarks>
/// <para>PostgreSQL (several Host processes): the sweep runs inside a transaction on its own connection that
/// takes a transaction-level advisory lock per instance of a due bookmark (<c>pg_try_advisory_xact_lock</c>, skipping
/// the ones another node or sweep holds) and keeps them until the whole batch is resumed. Per instance, not per
/// bookmark: two timers of one instance (parallel branches due together) stay in one sweep (the same transaction takes
/// the same lock again), instead of two sweeps whose commits on that instance conflict and send a batch one by one. Row locks (<c>FOR UPDATE</c>) would not
/// do here: firing a timer deletes its bookmark row on the runner's connection, which would wait on our own lock.
/// A crash releases the locks with the connection.</para>
/// <para>Correctness does not depend on the lock: firing is a resume of the instance at the version it was read
/// at, so a timer another node already fired is refused (stale bookmark) or conflicts, and is skipped.</para>
/// <para>SQLite (one node): a plain select.</para>
/// </remarks>
internal sealed class TimerRunner(
    IServiceScopeFactory scopes,
    IOptions<RuntimeOptions> options,
    TimeProvider time,
    HostTelemetry telemetry,
    ILogger<TimerRunner> logger) : BackgroundService
{
    /// <summary>First key of the two-key advisory locks taken on the instances of due timers ("WT").</summary>
    private const int TimerLockClass = 0x5754;

    private readonly RuntimeOptions settings = options.Value;

    /// <summary>One sweep at <paramref name="now"/>: claims due timers and fires them.</summary>
    public async Task<TimerSweep> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var claimScope = scopes.CreateAsyncScope();
        var db = claimScope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var batch = Math.Max(1, settings.TimerBatchSize);

        if (!db.Database.IsNpgsql())
        {
            var due = await db.Bookmarks.AsNoTracking()
                .Where(b => b.Kind == StoredValues.TimerBookmark && b.DueAt <= now)
                .Join(db.Instances.Where(i => i.Status == StoredValues.RunningInstance), b => b.InstanceId, i => i.Id, (b, i) => b)
                .OrderBy(b => b.DueAt)
                .Take(batch)
                .Select(b => new DueTimer { Id = b.Id, InstanceId = b.InstanceId, DueAt = b.DueAt!.Value })
                .ToListAsync(cancellationToken);
            return new TimerSweep(due.Count, await FireAsync(due, cancellationToken));
        }

        // The claim transaction lives on this scope's connection and holds the advisory locks until the end.
        await using var claim = await db.Database.BeginTransactionAsync(cancellationToken);
        var utcNow = now.ToUniversalTime();
        var scan = batch * 4;
        var claimed = await db.Database.SqlQuery<DueTimer>($"""
            SELECT due.id AS "Id", due.instance_id AS "InstanceId", due.due_at AS "DueAt"
            FROM (
                SELECT b.id, b.instance_id, b.due_at
                FROM bookmarks b
                JOIN instances i ON i.id = b.instance_id
                WHERE b.kind = {StoredValues.TimerBookmark} AND b.due_at <= {utcNow} AND i.status = {StoredValues.RunningInstance}
                ORDER BY b.due_at
                LIMIT {scan}
            ) AS due
            WHERE pg_try_advisory_xact_lock({TimerLockClass}, hashtext(due.instance_id::text))
            LIMIT {batch}
            """).ToListAsync(cancellationToken);
        var fired = await FireAsync(claimed, cancellationToken);
        await claim.CommitAsync(CancellationToken.None);
        return new TimerSweep(claimed.Count, fired);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Several sweeps at once only where the claim's advisory locks keep them apart (PostgreSQL): on SQLite two
        // sweeps would claim the same timers and one would lose every conflict.
        bool postgres;
        await using (var scope = scopes.CreateAsyncScope())
        {
            postgres = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Database.IsNpgsql();
        }

        var sweeps = postgres ? Math.Max(1, settings.TimerSweeps) : 1;
        await Task.WhenAll(Enumerable.Range(0, sweeps).Select(_ => PollingLoop.RunAsync(
            async token => (await RunOnceAsync(time.GetUtcNow(), token)).Claimed >= settings.TimerBatchSize,
            settings.TimerPollInterval,
            exception => logger.PassFailed(exception, "timer"),
            stoppingToken)));
    }

    // The sweep's timers fire together: one instance read, one commit (WorkflowRunner.ResumeManyAsync). If that commit
    // fails (a conflict with another node or an officer, a row the database refuses), nothing of it was written and the
    // same timers fire one at a time, so one bad instance costs its batch a second pass but never holds back the others.
    // A second timer of an instance already in the batch (parallel branches due together) fires after it, on its own.
    private async Task<int> FireAsync(IReadOnlyList<DueTimer> due, CancellationToken cancellationToken)
    {
        var together = due.DistinctBy(t => t.InstanceId).ToList();
        var fired = 0;
        if (together.Count > 1)
        {
            try
            {
                fired += await FireTogetherAsync(together, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.TimerBatchFellBack(together.Count, exception.Message);
                fired += await FireOneByOneAsync(together, cancellationToken);
            }
        }
        else
        {
            fired += await FireOneByOneAsync(together, cancellationToken);
        }

        return fired + await FireOneByOneAsync(due.Except(together).ToList(), cancellationToken);
    }

    private async Task<int> FireTogetherAsync(IReadOnlyList<DueTimer> due, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var outcomes = await runner.ResumeManyAsync(
            due.Select(t => (t.InstanceId, new ResumeRequest { BookmarkId = t.Id })).ToList(), cancellationToken);
        var fired = 0;
        foreach (var (timer, outcome) in due.Zip(outcomes))
        {
            if (outcome.Failure is { } failure)
            {
                Failed(timer, failure);
            }
            else if (Fired(timer, outcome.Result!))
            {
                fired++;
            }
        }

        return fired;
    }

    private async Task<int> FireOneByOneAsync(IReadOnlyList<DueTimer> due, CancellationToken cancellationToken)
    {
        var fired = 0;
        foreach (var timer in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await FireAsync(timer, cancellationToken))
            {
                fired++;
            }
        }

        return fired;
    }

    private async Task<bool> FireAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        try
        {
            return Fired(timer, await runner.ResumeAsync(timer.InstanceId, new ResumeRequest { BookmarkId = timer.Id }, cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Failed(timer, exception);
            return false;
        }
    }

    // Committed, or refused by the engine: logged and counted; true when it fired.
    private bool Fired(DueTimer timer, ExecutionResult result)
    {
        if (result.Accepted)
        {
            logger.TimerFired(timer.InstanceId, timer.Id);
            telemetry.TimerFired(time.GetUtcNow() - timer.DueAt);
            return true;
        }

        var rejection = result.Rejection!;
        if (rejection.Code is RejectionCode.StaleBookmark or RejectionCode.NotDue)
        {
            // Another node fired it first, or its instance moved on; nothing to do.
            logger.TimerSkipped(timer.InstanceId, timer.Id, rejection.Message);
        }
        else
        {
            logger.TimerRefused(timer.InstanceId, timer.Id, rejection.Message);
        }

        return false;
    }

    private void Failed(DueTimer timer, Exception exception)
    {
        switch (exception)
        {
            case ConcurrencyConflictException or NotFoundException:
                // Another node (or an officer) changed the instance meanwhile, or it is gone; a timer still due is tried
                // next sweep.
                logger.TimerSkipped(timer.InstanceId, timer.Id, exception.Message);
                break;
            default:
                // One broken instance must not stop the others.
                logger.TimerFailed(exception, timer.InstanceId, timer.Id);
                break;
        }
    }

    private sealed class DueTimer
    {
        public Guid Id { get; init; }

        public Guid InstanceId { get; init; }

        public DateTimeOffset DueAt { get; init; }
    }
}
