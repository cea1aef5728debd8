using System.Text.Json;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.HostApi;

/// <summary>A published version of a procedure as the Host returns it, with its definition parsed by the engine's reader.</summary>
public sealed record PublishedProcedure(string Code, int Version, string Name, ProcedureDefinition Definition);

public sealed partial class HostClient
{
    // The part of GET /api/definitions/{code} the diagram needs; the definition stays raw JSON for the engine's reader.
    private sealed record DefinitionVersionBody(string Code, int Version, string Name, JsonElement? Definition);

    /// <summary>The latest published version of a procedure (GET /api/definitions/{code}), for its read-only diagram.</summary>
    public async Task<PublishedProcedure> GetPublishedProcedureAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var body = await GetAsync<DefinitionVersionBody>($"api/definitions/{Uri.EscapeDataString(code)}", cancellationToken);
        var loaded = body.Definition is { ValueKind: JsonValueKind.Object } definition
            ? DefinitionJson.Parse(definition.GetRawText())
            : null;
        if (loaded?.Definition is null)
        {
            throw new HostProblemException(new HostProblem
            {
                Title = "The Host's answer could not be read.",
                Detail = loaded is { Problems.Count: > 0 } ? loaded.Problems[0].Message : "The answer has no definition.",
                Status = 502,
            });
        }

        return new PublishedProcedure(body.Code, body.Version, body.Name, loaded.Definition);
    }
}
