using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;

namespace Workflows.Host.Migrations;

/// <summary>An instance on the old version as a migration sees it, with its dossier's code (none for a sub-process).</summary>
internal sealed record ScannedInstance(WorkflowInstance Instance, string? DossierCode);

/// <summary>
/// Reads the instances a migration concerns (on the procedure's old version and not completed) a page at a time, each
/// page with its bookmarks and dossier codes in two more queries, so a version with many thousand dossiers is never
/// held in memory at once.
/// </summary>
internal static class MigrationScan
{
    private static readonly string Completed = RowMapping.Name(InstanceStatus.Completed);

    /// <summary>Instances not completed on <paramref name="code"/> v<paramref name="version"/>, in id order.</summary>
    public static IQueryable<InstanceRow> Live(WorkflowsDbContext db, string code, int version) =>
        db.Instances.AsNoTracking().Where(i => i.DefinitionCode == code && i.DefinitionVersion == version && i.Status != Completed);

    /// <summary>Every live instance of the version, <paramref name="pageSize"/> at a time.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<ScannedInstance>> PagesAsync(
        WorkflowsDbContext db, string code, int version, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var offset = 0; ; offset += pageSize)
        {
            var rows = await Live(db, code, version).OrderBy(i => i.Id).Skip(offset).Take(pageSize).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                yield break;
            }

            yield return await LoadAsync(db, rows, cancellationToken);
            if (rows.Count < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>The instances of <paramref name="rows"/> rebuilt with their bookmarks, and their dossiers' codes.</summary>
    public static async Task<IReadOnlyList<ScannedInstance>> LoadAsync(WorkflowsDbContext db, IReadOnlyList<InstanceRow> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var bookmarks = (await db.Bookmarks.AsNoTracking().Where(b => ids.Contains(b.InstanceId)).ToListAsync(cancellationToken))
            .ToLookup(b => b.InstanceId);
        var codes = await db.Dossiers.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Code, cancellationToken);
        return [.. rows.Select(r => new ScannedInstance(RowMapping.ToInstance(r, bookmarks[r.Id]), codes.GetValueOrDefault(r.Id)))];
    }
}
