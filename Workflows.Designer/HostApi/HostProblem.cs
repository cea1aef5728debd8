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
                };
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body (a proxy's error page, say): fall through to a plain problem.
        }

        return new HostProblem { Title = $"The Host answered {(int)status} {status}.", Status = (int)status };
    }

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

/// <summary>The Host refused a call; <see cref="Problem"/> says why in the Host's words.</summary>
public sealed class HostProblemException(HostProblem problem) : Exception(problem.Detail ?? problem.Title)
{
    public HostProblem Problem { get; } = problem;
}
