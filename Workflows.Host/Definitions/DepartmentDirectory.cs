namespace Workflows.Host.Definitions;

/// <summary>A department as departments.json declares it; <paramref name="Kind"/> is e.g. desk, department, agency, commune.</summary>
internal sealed record DepartmentDto(string Id, string Name, string? NameEn, string? Kind);

/// <summary>
/// The departments of departments.json: their names (for the units printed on the control slip) and their roles. A
/// department of kind <see cref="DeskKind"/> is a one-stop desk (bộ phận một cửa): it returns results and is warned
/// about dossiers no other department holds. Each province names its desk as it likes; the kind says which it is.
/// </summary>
internal sealed class DepartmentDirectory
{
    public const string DeskKind = "desk";

    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
    private readonly List<string> desks = [];

    // departments.json is read (and an unreadable file logged) once, by DefinitionFolder; ids stand in for missing names.
    public DepartmentDirectory(DefinitionFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        All = folder.DepartmentList ?? [];
        foreach (var department in All)
        {
            names[department.Id] = department.Name;
            if (department.Kind == DeskKind)
            {
                desks.Add(department.Id);
            }
        }
    }

    public string NameOf(string id) => names.GetValueOrDefault(id, id);

    /// <summary>Every department, in the file's order (for pickers and the administration pages).</summary>
    public IReadOnlyList<DepartmentDto> All { get; }

    /// <summary>The one-stop desks, in the file's order (none when the file declares no department of kind "desk").</summary>
    public IReadOnlyList<string> OneStopDesks => desks;

    /// <summary>Whether one of <paramref name="departments"/> is a one-stop desk.</summary>
    public bool IncludesDesk(IReadOnlySet<string> departments) => desks.Exists(departments.Contains);
}
