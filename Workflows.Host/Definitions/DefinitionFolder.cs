using System.Text.Json;
using Microsoft.Extensions.Options;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Definitions;

/// <summary>
/// The definitions folder: procedures/*.json, departments.json and templates/*.hbs. Template ids are what the
/// validator checks references against (unchecked when the folder is missing); departments.json only seeds the
/// departments table (<see cref="DepartmentSeeder"/>), which the validator reads through <see cref="DepartmentDirectory"/>.
/// </summary>
internal sealed class DefinitionFolder
{
    public DefinitionFolder(IOptions<DefinitionsOptions> options, IHostEnvironment environment, ILogger<DefinitionFolder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        Path = Resolve(options.Value.Path, environment.ContentRootPath);
        DepartmentList = ReadDepartments(System.IO.Path.Combine(Path, "departments.json"), logger);
        var templates = System.IO.Path.Combine(Path, "templates");
        Templates = Directory.Exists(templates)
            ? new HashSet<string>(Directory.EnumerateFiles(templates, "*.hbs").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)), StringComparer.Ordinal)
            : null;
    }

    public string Path { get; }

    /// <summary>
    /// The departments as departments.json lists them (an entry that is only an id is named by its id); null when the
    /// file is missing or unreadable.
    /// </summary>
    public IReadOnlyList<DepartmentFileEntry>? DepartmentList { get; }

    public IReadOnlySet<string>? Templates { get; }

    /// <summary>Procedure files in a stable (ordinal) order.</summary>
    public IReadOnlyList<string> ProcedureFiles()
    {
        var folder = System.IO.Path.Combine(Path, "procedures");
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The configured path; else the <c>definitions</c> folder next to Workflows.sln above the content root; else ./definitions.</summary>
    internal static string Resolve(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return System.IO.Path.GetFullPath(configured, contentRoot);
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "definitions");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Workflows.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return System.IO.Path.GetFullPath("definitions", contentRoot);
    }

    // departments.json: an array of { "id": ... } objects (or of plain ids).
    private static List<DepartmentFileEntry>? ReadDepartments(string file, ILogger logger)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var items = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("departments", out var inner)
                ? inner
                : document.RootElement;
            var departments = new List<DepartmentFileEntry>();
            foreach (var item in items.EnumerateArray())
            {
                var id = item.ValueKind == JsonValueKind.String ? item.GetString()
                    : item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var idProperty) ? idProperty.GetString()
                    : null;
                if (!string.IsNullOrEmpty(id))
                {
                    departments.Add(item.ValueKind == JsonValueKind.Object
                        ? new DepartmentFileEntry(id, Text(item, "name") ?? id, Text(item, "nameEn"), Text(item, "kind"))
                        : new DepartmentFileEntry(id, id, null, null));
                }
            }

            return departments;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            logger.UnreadableReferenceFile(ex, file);
            return null;
        }
    }

    private static string? Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A department as departments.json declares it (kind e.g. desk, department, agency, commune).</summary>
internal sealed record DepartmentFileEntry(string Id, string Name, string? NameEn, string? Kind);
