using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>The journal kinds the deadline flows add to a dossier's timeline.</summary>
internal static class DeadlineJournalKinds
{
    /// <summary>A task's or the dossier's due time moved (calendar edit); detail "old → new".</summary>
    public const string DueTimeChanged = "dueTimeChanged";

    /// <summary>The responsible departments were warned that a step or the dossier falls due soon.</summary>
    public const string DueSoonWarned = "dueSoonWarned";

    /// <summary>An apology letter (form 04) was confirmed and the appointment moved; detail "old → new".</summary>
    public const string ApologySent = "apologySent";
}

/// <summary>An instance changed since it was read: the caller's transaction must roll back (and may retry).</summary>
internal sealed class DeadlineConflictException(Guid instanceId) : Exception($"Instance {instanceId} changed meanwhile.")
{
    public Guid InstanceId { get; } = instanceId;
}

/// <summary>
/// Appends Host journal rows the way TaskCommands.ForwardAsync does for <c>taskForwarded</c>: the instance's
/// journal sequence and version advance only at the version read, so an engine call that read the instance
/// before conflicts instead of reusing a sequence number. Call inside the caller's transaction.
/// </summary>
internal static class DeadlineJournal
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    /// <exception cref="DeadlineConflictException">The instance changed between the read and the update.</exception>
    public static async Task AppendAsync(WorkflowsDbContext db, Guid instanceId, IReadOnlyList<JournalRow> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var instance = await db.Instances.AsNoTracking()
            .Where(i => i.Id == instanceId)
            .Select(i => new { i.Version, i.JournalSequence })
            .SingleAsync(cancellationToken);
        var last = instance.JournalSequence + entries.Count;
        var advanced = await db.Instances
            .Where(i => i.Id == instanceId && i.Version == instance.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.JournalSequence, last)
                .SetProperty(i => i.Version, instance.Version + 1)
                .SetProperty(i => i.UpdatedAt, now), cancellationToken);
        if (advanced == 0)
        {
            throw new DeadlineConflictException(instanceId);
        }

        var sequence = instance.JournalSequence;
        foreach (var entry in entries)
        {
            entry.InstanceId = instanceId;
            entry.Sequence = ++sequence;
            entry.At = now;
            db.Journal.Add(entry);
        }
    }

    /// <summary>"dd/MM/yyyy HH:mm → dd/MM/yyyy HH:mm" in Vietnam time.</summary>
    public static string Change(DateTimeOffset from, DateTimeOffset to) => $"{Local(from)} → {Local(to)}";

    public static string Local(DateTimeOffset instant) => instant.ToOffset(Vietnam).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
}
