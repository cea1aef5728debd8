using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

/// <summary>
/// A department as administrators keep it (the departments table): <paramref name="Kind"/> is desk, department, agency,
/// commune or leader; <paramref name="Revision"/> is what an edit's If-Match names (as <c>"Revision"</c>).
/// </summary>
internal sealed record DepartmentDto(string Id, string Name, string? NameEn, string? Kind, string? Parent, int? Level, bool Active, int Revision);

/// <summary>
/// The one home of the departments: the departments table, seeded from departments.json, kept in memory so that the
/// validator, the pickers, the forms, the reports and the principals read the same list without a query each. It is
/// loaded at start-up, reloaded by every change made through this process (<see cref="ReloadAsync"/>), and every
/// Definitions:DepartmentRefreshInterval by Runtime.DepartmentRefresh, which reloads when another Host changed the
/// table (<see cref="RefreshIfChangedAsync"/>).
/// A department of kind <see cref="DeskKind"/> is a one-stop desk (bộ phận một cửa): it returns results and is warned
/// about dossiers no other department holds. Each province names its desk as it likes; the kind says which it is.
/// </summary>
internal sealed class DepartmentDirectory(IServiceScopeFactory scopes)
{
    public const string DeskKind = "desk";

    /// <summary>The kinds a department may have (those departments.json uses).</summary>
    public static readonly IReadOnlyList<string> Kinds = [DeskKind, "department", "agency", "commune", "leader"];

    // Replaced whole on every reload, so a reader sees one consistent list.
    private volatile Snapshot current = new([]);

    /// <summary>The name printed for a department (inactive ones too: old dossiers still name them); its id if unknown.</summary>
    public string NameOf(string id) => current.Names.GetValueOrDefault(id, id);

    /// <summary>Every department, active or not, in the list's order (the administration page).</summary>
    public IReadOnlyList<DepartmentDto> All => current.All;

    /// <summary>The active departments, in the list's order (pickers).</summary>
    public IReadOnlyList<DepartmentDto> Active => current.Active;

    /// <summary>
    /// Ids of the active departments, which steps and principals may name; null when there are none at all (no
    /// departments.json and none created), so that references go unchecked as before departments were kept.
    /// </summary>
    public IReadOnlySet<string>? KnownIds => current.All.Count == 0 ? null : current.ActiveIds;

    /// <summary>Whether <paramref name="id"/> is an active department.</summary>
    public bool IsActive(string id) => current.ActiveIds.Contains(id);

    /// <summary>The active one-stop desks, in the list's order (none when no department is of kind "desk").</summary>
    public IReadOnlyList<string> OneStopDesks => current.Desks;

    /// <summary>Whether one of <paramref name="departments"/> is a one-stop desk.</summary>
    public bool IncludesDesk(IReadOnlySet<string> departments) => current.Desks.Any(departments.Contains);

    /// <summary>Reads the table again; every change through this process calls it before answering.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var rows = await db.Departments.AsNoTracking().OrderBy(d => d.Position).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        current = new Snapshot([.. rows.Select(ToDto)]);
    }

    /// <summary>
    /// Reloads if the table changed since the last load, wherever the change was made; true if it reloaded. The check
    /// is one aggregate over the (small) table: departments are never deleted and every edit raises its row's
    /// revision, so the count of rows and the sum of revisions both stay equal only while nothing changed.
    /// </summary>
    public async Task<bool> RefreshIfChangedAsync(CancellationToken cancellationToken = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var stamp = await db.Departments.GroupBy(_ => 1)
                .Select(g => new Stamp(g.Count(), g.Sum(d => (long)d.Revision)))
                .SingleOrDefaultAsync(cancellationToken) ?? new Stamp(0, 0);
            if (stamp == current.Stamp)
            {
                return false;
            }
        }

        await ReloadAsync(cancellationToken);
        return true;
    }

    public static DepartmentDto ToDto(DepartmentRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new DepartmentDto(row.Id, row.Name, row.NameEn, row.Kind, row.Parent, row.Level, row.Active, row.Revision);
    }

    private sealed record Stamp(int Count, long Revisions);

    private sealed class Snapshot
    {
        public Snapshot(List<DepartmentDto> all)
        {
            All = all;
            Active = [.. all.Where(d => d.Active)];
            ActiveIds = Active.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            Names = all.ToDictionary(d => d.Id, d => d.Name, StringComparer.Ordinal);
            Desks = [.. Active.Where(d => d.Kind == DeskKind).Select(d => d.Id)];
            Stamp = new Stamp(all.Count, all.Sum(d => (long)d.Revision));
        }

        /// <summary>What <see cref="RefreshIfChangedAsync"/> compares with the table's.</summary>
        public Stamp Stamp { get; }

        public List<DepartmentDto> All { get; }

        public List<DepartmentDto> Active { get; }

        public HashSet<string> ActiveIds { get; }

        public Dictionary<string, string> Names { get; }

        public List<string> Desks { get; }
    }
}
