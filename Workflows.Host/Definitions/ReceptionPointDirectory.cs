using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Host.Access;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Definitions;

/// <summary>
/// A place where dossiers are received (reception-points.json): the centre (kind <c>centre</c>), its branches
/// (<c>branch</c>) and reception points (<c>point</c>) under a branch or the centre, with the departments it serves.
/// </summary>
internal sealed record ReceptionPointDto(string Code, string Name, string? Address, string Kind, string? Parent, IReadOnlyList<string> Departments);

/// <summary>
/// The reception points of reception-points.json, read once. Intake requests name one by code; without the file (a
/// centre that has not listed them) any code is accepted, as department references go unchecked without departments.json.
/// </summary>
internal sealed class ReceptionPointDirectory
{
    public const string FileName = "reception-points.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, ReceptionPointDto> byCode = new(StringComparer.Ordinal);

    public ReceptionPointDirectory(DefinitionFolder folder, ILogger<ReceptionPointDirectory> logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var file = Path.Combine(folder.Path, FileName);
        All = Read(file, logger);
        foreach (var point in All ?? [])
        {
            byCode.TryAdd(point.Code, point);
        }
    }

    /// <summary>Every reception point in the file's order; null when the file is missing or unreadable.</summary>
    public IReadOnlyList<ReceptionPointDto>? All { get; }

    /// <summary>Whether intake may name <paramref name="code"/>: listed, or no list to check against.</summary>
    public bool Accepts(string code) => All is null || byCode.ContainsKey(code);

    /// <summary>The point's name, or null when it is not listed.</summary>
    public string? NameOf(string code) => byCode.TryGetValue(code, out var point) ? point.Name : null;

    /// <summary>The listed point, or null.</summary>
    public ReceptionPointDto? Find(string code) => byCode.GetValueOrDefault(code);

    private static List<ReceptionPointDto>? Read(string file, ILogger logger)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var content = JsonSerializer.Deserialize<ReceptionPointsFile>(File.ReadAllText(file), Options);
            return [.. (content?.ReceptionPoints ?? [])
                .Where(p => !string.IsNullOrWhiteSpace(p.Code) && !string.IsNullOrWhiteSpace(p.Name))
                .Select(p => new ReceptionPointDto(p.Code!, p.Name!, p.Address, p.Kind ?? "point", p.Parent, p.Departments ?? []))];
        }
        catch (JsonException ex)
        {
            logger.UnreadableReferenceFile(ex, file);
            return null;
        }
    }

    private sealed record ReceptionPointsFile(IReadOnlyList<ReceptionPointEntry>? ReceptionPoints);

    private sealed record ReceptionPointEntry(string? Code, string? Name, string? Address, string? Kind, string? Parent, IReadOnlyList<string>? Departments);
}

/// <summary>/api/reception-points: where dossiers are received, for the intake systems' and the Designer's pickers.</summary>
internal static class ReceptionPointsApi
{
    public static IEndpointRouteBuilder MapReceptionPointsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reception-points", List).WithTags("Definitions").RequireAuthorization(Policies.DirectoryReader)
            .WithSummary("The centre, its branches and reception points: code (the intake's receptionPoint), name, address, kind (centre, branch, point), parent, departments served");
        return app;
    }

    private static Ok<IReadOnlyList<ReceptionPointDto>> List(ReceptionPointDirectory directory) => TypedResults.Ok(directory.All ?? []);
}
