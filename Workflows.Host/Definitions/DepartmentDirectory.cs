using System.Text.Json;

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
    private readonly List<DepartmentDto> all = [];

    public DepartmentDirectory(DefinitionFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var file = Path.Combine(folder.Path, "departments.json");
        if (!File.Exists(file))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var items = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("departments", out var inner) ? inner : document.RootElement;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names[id.GetString()!] = name.GetString()!;
                    var kind = Text(item, "kind");
                    if (kind == DeskKind)
                    {
                        desks.Add(id.GetString()!);
                    }

                    all.Add(new DepartmentDto(id.GetString()!, name.GetString()!, Text(item, "nameEn"), kind));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // DefinitionFolder already logs an unreadable departments.json; ids stand in for names.
        }
    }

    public string NameOf(string id) => names.GetValueOrDefault(id, id);

    /// <summary>Every department, in the file's order (for pickers and the administration pages).</summary>
    public IReadOnlyList<DepartmentDto> All => all;

    /// <summary>The one-stop desks, in the file's order (none when the file declares no department of kind "desk").</summary>
    public IReadOnlyList<string> OneStopDesks => desks;

    /// <summary>Whether one of <paramref name="departments"/> is a one-stop desk.</summary>
    public bool IncludesDesk(IReadOnlySet<string> departments) => desks.Exists(departments.Contains);

    private static string? Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
