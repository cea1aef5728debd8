using System.Text.Json;
using Workflows.Host.Definitions;

namespace Workflows.Host.Dossiers;

/// <summary>Department names from departments.json, for the units printed on the control slip.</summary>
internal sealed class DepartmentDirectory
{
    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);

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
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // DefinitionFolder already logs an unreadable departments.json; ids stand in for names.
        }
    }

    public string NameOf(string id) => names.GetValueOrDefault(id, id);
}
