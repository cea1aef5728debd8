using System.Security.Cryptography;
using System.Text;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Definitions;

/// <summary>Reading procedure JSON from users and files, and the content hash that identifies it.</summary>
internal static class DefinitionInput
{
    /// <summary>Parses procedure JSON; every failure is a problem with a JSON path, never an exception.</summary>
    public static LoadResult Parse(string json)
    {
        try
        {
            return DefinitionJson.Parse(json);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return LoadResult.Failed(new ValidationProblem("$", ProblemCodes.InvalidJson, ex.Message));
        }
    }

    /// <summary>The procedure JSON of a request body; null when the body is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<LoadResult?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, maxBytes, cancellationToken);
        return body is null ? null : Parse(Encoding.UTF8.GetString(body));
    }

    /// <summary>SHA-256 of the canonical JSON with the version number left out: the same content hashes the same under any version.</summary>
    public static string ContentHash(ProcedureDefinition definition)
    {
        var canonical = DefinitionJson.Serialize(definition with { Version = 0 });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
