using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>
/// Who may see and who may act on a dossier: the one place these rules are written. Reading: administrators and
/// designers see every dossier, officers the dossiers their departments held a step of. Acting on a dossier in progress
/// (stopping it, confirming its apology letter): administrators, and officers of a department that holds one of its open
/// steps. Whatever a caller may not see answers 404, so a refusal never reveals that a code exists.
/// </summary>
internal static class DossierAccess
{
    /// <summary>The dossiers <paramref name="user"/> may read.</summary>
    public static IQueryable<DossierRow> Visible(WorkflowsDbContext db, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Roles.Administrator) || user.IsInRole(Roles.Designer))
        {
            return db.Dossiers.AsNoTracking();
        }

        var departments = user.Departments().ToList();
        return db.Dossiers.AsNoTracking().Where(d => db.Tasks.Any(t => t.InstanceId == d.Id && departments.Contains(t.Department)));
    }

    /// <summary>Of <paramref name="dossiers"/>, the ones <paramref name="user"/> handles now.</summary>
    public static IQueryable<DossierRow> Handled(WorkflowsDbContext db, ClaimsPrincipal user, IQueryable<DossierRow> dossiers)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Roles.Administrator))
        {
            return dossiers;
        }

        if (!user.IsInRole(Roles.Officer))
        {
            return dossiers.Where(_ => false);
        }

        var departments = user.Departments().ToList();
        return dossiers.Where(d => db.Tasks.Any(t => t.InstanceId == d.Id && t.State == TaskStates.Open && departments.Contains(t.Department)));
    }

    /// <summary>Whether <paramref name="user"/> handles dossier <paramref name="dossierId"/> now.</summary>
    public static Task<bool> HandlesAsync(WorkflowsDbContext db, ClaimsPrincipal user, Guid dossierId, CancellationToken cancellationToken) =>
        Handled(db, user, db.Dossiers.AsNoTracking().Where(d => d.Id == dossierId)).AnyAsync(cancellationToken);
}
