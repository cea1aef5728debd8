using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Designer.HostApi;

/// <summary>
/// A ProblemDetails answer of the Host, as the pages show it: a readable title and detail, and the messages of each
/// field it names (validation problems), so a page can put each message next to the input that caused it.
/// </summary>
public sealed class HostProblem
{
    public string? Type { get; init; }

    public string Title { get; init; } = "";

    public string? Detail { get; init; }

    public int Status { get; init; }

    /// <summary>Field (as the Host names it, e.g. <c>procedureCode</c> or <c>flowchart.nodes[2].department</c>) → messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    /// <summary>Every other member of the problem (e.g. <c>savedBy</c> of a 412), as JSON.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>
    /// The Host's stable code of the problem (its <c>code</c> extension, e.g. <c>procedureNotFound</c>), by which the pages
    /// say it in the user's language (<c>HostProblemText</c>); null for a problem without one, shown in the Host's words.
    /// A page that rewords a problem in its own words leaves it out of the copy.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>The values the code's text names (the <c>args</c> extension: <c>procedure</c>, <c>version</c>...), as text.</summary>
    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The problems of a procedure file or draft the Host lists with their JSON path and the engine's code (its
    /// <c>problems</c> extension), so each is said in the user's language like the editor's own problems.
    /// </summary>
    public IReadOnlyList<DefinitionProblem> DefinitionProblems =>
        Extensions.TryGetValue("problems", out var problems) && problems.ValueKind == JsonValueKind.Array
            ? [.. problems.EnumerateArray().Select(p => p.Deserialize<DefinitionProblem>(HostClient.Json)).OfType<DefinitionProblem>()
                .Where(p => p.Path is not null && p.Code is not null)]
            : [];

    /// <summary>Messages for one field, matched without regard to case.</summary>
    public IReadOnlyList<string> For(string field) =>
        [.. Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value)];

    internal static HostProblem Read(HttpStatusCode status, string body)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<WireProblem>(body, HostClient.Json);
            if (wire is not null && (wire.Title is not null || wire.Detail is not null || wire.Errors is not null))
            {
                var extensions = wire.Extra?
                    .Where(e => e.Key is not ("traceId" or "instance"))
                    .ToDictionary(e => e.Key, e => e.Value) ?? [];
                return new HostProblem
                {
                    Type = wire.Type,
                    Title = wire.Title ?? status.ToString(),
                    Detail = wire.Detail,
                    Status = wire.Status ?? (int)status,
                    Errors = wire.Errors ?? new Dictionary<string, string[]>(),
                    Extensions = extensions,
                    Code = extensions.TryGetValue("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null,
                    Args = extensions.TryGetValue("args", out var args) ? ArgsOf(args) : new Dictionary<string, string>(),
                };
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body (a proxy's error page, say): fall through to a plain problem.
        }

        return new HostProblem
        {
            Title = $"The Host answered {(int)status} {status}.",
            Status = (int)status,
            Code = DesignerProblemCodes.HostStatus,
            Args = new Dictionary<string, string> { ["status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
    }

    // Each argument as the text a message shows: strings as they are, numbers and the rest as JSON writes them; nulls left out.
    private static Dictionary<string, string> ArgsOf(JsonElement args) => args.ValueKind != JsonValueKind.Object
        ? []
        : args.EnumerateObject().Where(a => a.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(a => a.Name, a => a.Value.ValueKind == JsonValueKind.String ? a.Value.GetString()! : a.Value.GetRawText(), StringComparer.Ordinal);

    private sealed class WireProblem
    {
        public string? Type { get; set; }
        public string? Title { get; set; }
        public string? Detail { get; set; }
        public int? Status { get; set; }
        public Dictionary<string, string[]>? Errors { get; set; }

        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Extra { get; set; }
    }
}

/// <summary>A problem of a procedure file or draft as the Host lists it: where (JSON path), the engine's code, and its English message.</summary>
public sealed record DefinitionProblem(string Path, string Code, string Message);

/// <summary>Codes of the problems the Designer itself reports about the Host (unreachable, an answer it cannot read).</summary>
public static class DesignerProblemCodes
{
    /// <summary>The Host could not be reached; args: <c>reason</c>.</summary>
    public const string HostUnreachable = "hostUnreachable";

    /// <summary>The Host's answer could not be read.</summary>
    public const string HostUnreadable = "hostUnreadable";

    /// <summary>The Host answered an error without a problem body (a proxy's page, say); args: <c>status</c>.</summary>
    public const string HostStatus = "hostStatus";
}

/// <summary>The Host refused a call; <see cref="Problem"/> says why in the Host's words.</summary>
public sealed class HostProblemException(HostProblem problem) : Exception(problem.Detail ?? problem.Title)
{
    public HostProblem Problem { get; } = problem;
}
