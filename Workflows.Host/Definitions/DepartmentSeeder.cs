using Microsoft.EntityFrameworkCore;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

/// <summary>Fills the departments table from departments.json at start-up, then loads the directory.</summary>
internal static class DepartmentSeeder
{
    /// <summary>Who a seeded department was last edited by.</summary>
    public const string SeededBy = "departments.json";

    /// <summary>
    /// Adds the departments of departments.json whose ids the table does not hold yet. A department already in the
    /// table is never updated from the file: once seeded, administrators keep it (rename, deactivate) and the file
    /// would otherwise undo their edits at every start. A new id in the file (a department added with a release of
    /// the definitions) is still added, at the end of the list.
    /// </summary>
    public static async Task SeedDepartmentsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var folder = scope.ServiceProvider.GetRequiredService<DefinitionFolder>();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();

        var existing = await db.Departments.Select(d => new { d.Id, d.Position }).ToListAsync(cancellationToken);
        var known = existing.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var position = existing.Count == 0 ? 0 : existing.Max(d => d.Position) + 1;
        foreach (var entry in (folder.DepartmentList ?? []).DistinctBy(d => d.Id).Where(d => !known.Contains(d.Id)))
        {
            db.Departments.Add(new DepartmentRow
            {
                Id = entry.Id,
                Name = entry.Name,
                NameEn = entry.NameEn,
                Kind = entry.Kind,
                Active = true,
                Position = position++,
                Revision = 1,
                UpdatedAt = now,
                UpdatedBy = SeededBy,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another Host process sharing the database seeded the same ids first: its rows are the same file's.
            db.ChangeTracker.Clear();
        }

        await scope.ServiceProvider.GetRequiredService<DepartmentDirectory>().ReloadAsync(cancellationToken);
    }
}
