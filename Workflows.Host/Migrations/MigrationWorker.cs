using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Migrations;

/// <summary>What one pass did: the run it worked on (none when no run is waiting) and the outcomes it recorded.</summary>
internal sealed record MigrationPass(Guid? RunId, int Moved, int Skipped, int Failed, bool Completed);

/// <summary>
/// Applies migration runs in the background. A pass takes the oldest running run, reads at most
/// <see cref="MigrationOptions.BatchSize"/> instances it has not handled yet, and moves each in its own commit through
/// the runner (the engine's <c>migrated</c> journal entry, the dossier projection, and the run's outcome row in the
/// same transaction), or records why it is skipped. The run's counts are recounted from its outcome rows after each
/// batch, and it completes when nothing is left.
/// </summary>
/// <remarks>
/// <para>Resumable by construction: what a run has handled is exactly its outcome rows, each committed with what it
/// records, so after a restart a pass continues with the instances that have none; a moved instance is no longer on
/// the old version anyway.</para>
/// <para>PostgreSQL (several Host processes): the pass holds the run's row lock (<c>FOR NO KEY UPDATE SKIP LOCKED</c>,
/// in a transaction on its own connection) until the batch is done, so another Host skips the run meanwhile and never
/// applies the same batch. The outcome rows have no foreign key to the run, so the dossiers' commits on other
/// connections do not wait on that lock. Should two passes still meet, the outcome's key (run, instance) and the
/// instance's version check let only one commit. SQLite (one node): a plain select.</para>
/// </remarks>
internal sealed class MigrationWorker(
    IServiceScopeFactory scopes,
    IOptions<MigrationOptions> options,
    TimeProvider time,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    private readonly MigrationOptions settings = options.Value;

    /// <summary>Live instances of the run's old version that the run has not handled yet.</summary>
    internal static IQueryable<InstanceRow> Unhandled(WorkflowsDbContext db, MigrationRunRow run)
    {
        var runId = run.Id;
        return MigrationScan.Live(db, run.ProcedureCode, run.FromVersion)
            .Where(i => !db.MigrationOutcomes.Any(o => o.RunId == runId && o.InstanceId == i.Id));
    }

    /// <summary>One pass: a batch of the oldest running run.</summary>
    public async Task<MigrationPass> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var claimScope = scopes.CreateAsyncScope();
        var db = claimScope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        IDbContextTransaction? claim = null;
        try
        {
            MigrationRunRow? run;
            if (db.Database.IsNpgsql())
            {
                claim = await db.Database.BeginTransactionAsync(cancellationToken);
                run = (await db.MigrationRuns.FromSql($"""
                    SELECT * FROM migration_runs
                    WHERE state = {MigrationRunStates.Running}
                    ORDER BY created_at
                    LIMIT 1
                    FOR NO KEY UPDATE SKIP LOCKED
                    """).ToListAsync(cancellationToken)).FirstOrDefault();
            }
            else
            {
                run = await db.MigrationRuns.Where(r => r.State == MigrationRunStates.Running).OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            }

            if (run is null)
            {
                return new MigrationPass(null, 0, 0, 0, false);
            }

            var pass = await RunBatchAsync(claimScope.ServiceProvider, db, run, cancellationToken);
            if (claim is not null)
            {
                await claim.CommitAsync(CancellationToken.None);
            }

            return pass;
        }
        finally
        {
            if (claim is not null)
            {
                await claim.DisposeAsync();
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PollingLoop.RunAsync(
            // Straight on while passes make progress; a pass that recorded nothing (its dossiers all changed meanwhile) waits.
            async token => (await RunOnceAsync(token)) is var pass && (pass.Completed || pass.Moved + pass.Skipped + pass.Failed > 0),
            settings.PollInterval,
            exception => logger.PassFailed(exception, "migration"),
            stoppingToken);

    private async Task<MigrationPass> RunBatchAsync(IServiceProvider services, WorkflowsDbContext db, MigrationRunRow run, CancellationToken cancellationToken)
    {
        var catalogue = services.GetRequiredService<DefinitionCatalogue>();
        var from = await catalogue.GetPublishedAsync(run.ProcedureCode, run.FromVersion, cancellationToken);
        var to = await catalogue.GetPublishedAsync(run.ProcedureCode, run.ToVersion, cancellationToken);
        if (from is null || to is null)
        {
            // Published versions are never removed; this is a broken database, for an operator to look at.
            throw new InvalidOperationException($"Migration {run.Id}: {run.ProcedureCode} v{run.FromVersion} or v{run.ToVersion} is not published.");
        }

        var plan = new MigrationPlan(from, to, JsonSerializer.Deserialize<Dictionary<string, string>>(run.NodeMap) ?? []);
        var batch = await Unhandled(db, run).OrderBy(i => i.Id).Take(Math.Max(1, settings.BatchSize)).Select(i => i.Id).ToListAsync(cancellationToken);
        int moved = 0, skipped = 0, failed = 0;
        foreach (var instanceId in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (await MigrateAsync(run, plan, instanceId, cancellationToken))
            {
                case MigrationOutcomeKinds.Moved:
                    moved++;
                    break;
                case MigrationOutcomeKinds.Skipped:
                    skipped++;
                    break;
                case MigrationOutcomeKinds.Failed:
                    failed++;
                    break;
            }
        }

        // Recounted from what was committed, so a pass that died half-way is counted right by the next one.
        var runId = run.Id;
        var counts = await db.MigrationOutcomes.AsNoTracking().Where(o => o.RunId == runId)
            .GroupBy(o => o.Outcome).Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.Outcome, c => c.Count, cancellationToken);
        run.Moved = counts.GetValueOrDefault(MigrationOutcomeKinds.Moved);
        run.Skipped = counts.GetValueOrDefault(MigrationOutcomeKinds.Skipped);
        run.Failed = counts.GetValueOrDefault(MigrationOutcomeKinds.Failed);
        run.UpdatedAt = StoredValues.Instant(time.GetUtcNow());
        var completed = !await Unhandled(db, run).AnyAsync(cancellationToken);
        if (completed)
        {
            run.State = MigrationRunStates.Completed;
            run.CompletedAt = run.UpdatedAt;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (completed)
        {
            logger.MigrationCompleted(run.Id, run.ProcedureCode, run.Moved, run.Skipped, run.Failed);
        }

        return new MigrationPass(run.Id, moved, skipped, failed, completed);
    }

    // Moves one instance in its own scope and commit; returns the outcome recorded, or null when it is left for the next
    // pass (it changed meanwhile, or another pass recorded it).
    private async Task<string?> MigrateAsync(MigrationRunRow run, MigrationPlan plan, Guid instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ChangesetStore>();
        var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
        var instance = await store.LoadInstanceAsync(instanceId, cancellationToken);
        if (instance is null || instance.DefinitionVersion != run.FromVersion || instance.Status == InstanceStatus.Completed)
        {
            return null; // ended or moved since the batch was read
        }

        var dossierCode = await db.Dossiers.AsNoTracking().Where(d => d.Id == instanceId).Select(d => d.Code).FirstOrDefaultAsync(cancellationToken);
        var verdict = MigrationPlans.Judge(plan, instance);
        if (!verdict.CanMove)
        {
            var reason = string.Join(" ", verdict.Blockers.Select(b => b.Message));
            logger.DossierSkipped(run.Id, instanceId, reason);
            return await RecordAsync(db, Outcome(run, instanceId, dossierCode, MigrationOutcomeKinds.Skipped, null, reason), cancellationToken);
        }

        var moved = Outcome(run, instanceId, dossierCode, MigrationOutcomeKinds.Moved, MigrationPlans.Describe(verdict.Moves), null);
        try
        {
            await runner.MigrateAsync(plan, instance, run.CreatedBy, (context, _) =>
            {
                context.MigrationOutcomes.Add(moved);
                return Task.CompletedTask;
            }, cancellationToken);
            return MigrationOutcomeKinds.Moved;
        }
        catch (ConcurrencyConflictException)
        {
            return null; // an officer or a timer moved it on meanwhile: read again by the next pass
        }
        catch (Exception e) when (DatabaseErrors.IsTransientConflict(e) || DatabaseErrors.IsUniqueViolation(e))
        {
            return null; // a deadlock (tried again next pass), or another pass recorded it first
        }
        catch (Exception e) when (e is not OperationCanceledException && !DatabaseUnavailable.Is(e))
        {
            // One broken dossier must not stop the run: it stays on its version, and the run says why.
            logger.DossierFailed(e, run.Id, instanceId);
            return await RecordAsync(db, Outcome(run, instanceId, dossierCode, MigrationOutcomeKinds.Failed, null, e.Message), cancellationToken);
        }
    }

    private MigrationOutcomeRow Outcome(MigrationRunRow run, Guid instanceId, string? dossierCode, string outcome, string? moves, string? reason) => new()
    {
        RunId = run.Id,
        InstanceId = instanceId,
        DossierCode = dossierCode,
        Outcome = outcome,
        Moves = Clip(moves),
        Reason = Clip(reason),
        At = StoredValues.Instant(time.GetUtcNow()),
    };

    private static async Task<string?> RecordAsync(WorkflowsDbContext db, MigrationOutcomeRow outcome, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        db.MigrationOutcomes.Add(outcome);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return outcome.Outcome;
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            return null; // another pass recorded it first
        }
    }

    private static string? Clip(string? text) => text is { Length: > ColumnSizes.Note } ? text[..(ColumnSizes.Note - 1)] + "…" : text;
}
