using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Engine.Definitions;
using Workflows.Host.Persistence;

namespace Workflows.Host.Intake;

internal sealed record ApplicantInput(string Name, string? IdNumber, string? Phone, string? Email, string? Address);

internal sealed record DocumentInput(string Name, int Originals, int Copies);

/// <summary>A validated intake request.</summary>
internal sealed record IntakeInput(
    string ProcedureCode,
    string ExternalCode,
    ApplicantInput Applicant,
    Channel Channel,
    string ReceptionPoint,
    DateTimeOffset ReceivedAt,
    JsonObject FormData,
    IReadOnlyList<DocumentInput> Documents,
    string PayloadHash)
{
    /// <summary>Where the applicant collects the result, when not at <see cref="ReceptionPoint"/>; null there.</summary>
    public string? ReturnPoint { get; init; }
}

/// <summary>
/// Reads intake JSON by hand so every problem (missing field, wrong type, unparseable instant) is reported
/// under the field's path (<c>applicant.name</c>, <c>documents[0].copies</c>), never as a generic 400.
/// </summary>
internal static partial class IntakeReader
{
    public static readonly IReadOnlyDictionary<string, Channel> Channels = new Dictionary<string, Channel>(StringComparer.Ordinal)
    {
        ["inPerson"] = Channel.InPerson,
        ["postal"] = Channel.Postal,
        ["online"] = Channel.Online,
    };

    /// <summary>Names the intake data adds to the form data; a form field may not use them.</summary>
    private static readonly string[] Reserved = ["applicant", "dossier"];

    /// <param name="isReceptionPoint">Whether a reception point code is one the centre lists (reception-points.json).</param>
    public static IntakeInput? Read(JsonObject body, DateTimeOffset now, Dictionary<string, string[]> errors, Func<string, bool>? isReceptionPoint = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(errors);
        var procedureCode = RequiredString(body, "procedureCode", "procedureCode", ColumnSizes.ProcedureCode, errors);
        var externalCode = RequiredString(body, "externalCode", "externalCode", ColumnSizes.ExternalCode, errors);

        ApplicantInput? applicant = null;
        switch (body["applicant"])
        {
            case null:
                errors["applicant"] = ["The applicant is required."];
                break;
            case JsonObject a:
                var name = RequiredString(a, "name", "applicant.name", ColumnSizes.ApplicantName, errors);
                var idNumber = OptionalString(a, "idNumber", "applicant.idNumber", ColumnSizes.ApplicantIdNumber, errors);
                var phone = OptionalString(a, "phone", "applicant.phone", ColumnSizes.ApplicantPhone, errors);
                var email = OptionalString(a, "email", "applicant.email", ColumnSizes.ApplicantEmail, errors);
                var address = OptionalString(a, "address", "applicant.address", ColumnSizes.ApplicantAddress, errors);
                if (email is not null && !email.Contains('@', StringComparison.Ordinal))
                {
                    errors["applicant.email"] = ["An e-mail address."];
                }

                applicant = name is null ? null : new ApplicantInput(name, idNumber, phone, email, address);
                break;
            default:
                errors["applicant"] = ["An object { name, idNumber?, phone?, email?, address? }."];
                break;
        }

        Channel? channel = null;
        if (RequiredString(body, "channel", "channel", 16, errors) is { } channelName)
        {
            if (Channels.TryGetValue(channelName, out var c))
            {
                channel = c;
            }
            else
            {
                errors["channel"] = [$"One of: {string.Join(", ", Channels.Keys)}."];
            }
        }

        var receptionPoint = RequiredString(body, "receptionPoint", "receptionPoint", ColumnSizes.ReceptionPoint, errors);
        if (receptionPoint is not null && isReceptionPoint?.Invoke(receptionPoint) == false)
        {
            errors["receptionPoint"] = [$"'{receptionPoint}' is not a reception point of the centre; GET /api/reception-points lists them."];
        }

        // Location-independent service: the result may be returned at another point than the one that received it.
        var returnPoint = OptionalString(body, "returnPoint", "returnPoint", ColumnSizes.ReceptionPoint, errors);
        if (returnPoint is not null && isReceptionPoint?.Invoke(returnPoint) == false)
        {
            errors["returnPoint"] = [$"'{returnPoint}' is not a reception point of the centre; GET /api/reception-points lists them."];
        }

        DateTimeOffset? receivedAt = null;
        if (RequiredString(body, "receivedAt", "receivedAt", 64, errors) is { } receivedText)
        {
            if (!InstantPattern().IsMatch(receivedText)
                || !DateTimeOffset.TryParse(receivedText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                errors["receivedAt"] = ["An ISO 8601 instant with an offset, e.g. 2026-03-02T09:00:00+07:00."];
            }
            else if (parsed > now.AddMinutes(5))
            {
                errors["receivedAt"] = ["The receipt time is in the future."];
            }
            else
            {
                receivedAt = parsed;
            }
        }

        JsonObject? formData = null;
        switch (body["formData"])
        {
            case null:
                formData = [];
                break;
            case JsonObject f:
                formData = f;
                foreach (var reserved in Reserved.Where(f.ContainsKey))
                {
                    errors[$"formData.{reserved}"] = [$"'{reserved}' is filled in by the intake; use another field name."];
                }

                break;
            default:
                errors["formData"] = ["An object of form fields."];
                break;
        }

        var documents = ReadDocuments(body["documents"], errors);

        if (errors.Count > 0)
        {
            return null;
        }

        return new IntakeInput(procedureCode!, externalCode!, applicant!, channel!.Value, receptionPoint!, receivedAt!.Value, formData!, documents, Hash(body))
        {
            // Returning where it was received is no other point: recorded as none.
            ReturnPoint = returnPoint == receptionPoint ? null : returnPoint,
        };
    }

    private static List<DocumentInput> ReadDocuments(JsonNode? node, Dictionary<string, string[]> errors)
    {
        var documents = new List<DocumentInput>();
        switch (node)
        {
            case null:
                return documents;
            case JsonArray array when array.Count <= 500:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"documents[{i}]";
                    if (array[i] is not JsonObject document)
                    {
                        errors[path] = ["An object { name, originals?, copies? }."];
                        continue;
                    }

                    var name = RequiredString(document, "name", $"{path}.name", 1000, errors);
                    var originals = Count(document, "originals", $"{path}.originals", errors);
                    var copies = Count(document, "copies", $"{path}.copies", errors);
                    if (name is not null)
                    {
                        documents.Add(new DocumentInput(name, originals, copies));
                    }
                }

                return documents;
            default:
                errors["documents"] = ["An array of at most 500 documents."];
                return documents;
        }
    }

    private static string? RequiredString(JsonObject parent, string key, string path, int maxLength, Dictionary<string, string[]> errors)
    {
        var node = parent[key];
        if (node is null)
        {
            errors[path] = ["Required."];
            return null;
        }

        var text = Text(node, path, maxLength, errors);
        return text is not null && string.IsNullOrWhiteSpace(text) ? Error(errors, path, "Must not be empty.") : text?.Trim();
    }

    private static string? OptionalString(JsonObject parent, string key, string path, int maxLength, Dictionary<string, string[]> errors)
    {
        var text = parent[key] is { } node ? Text(node, path, maxLength, errors) : null;
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string? Text(JsonNode node, string path, int maxLength, Dictionary<string, string[]> errors)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return Error(errors, path, "Must be a string.");
        }

        var text = value.GetValue<string>();
        return text.Length > maxLength ? Error(errors, path, $"At most {maxLength} characters.") : text;
    }

    private static int Count(JsonObject parent, string key, string path, Dictionary<string, string[]> errors)
    {
        var node = parent[key];
        if (node is null)
        {
            return 0;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var count) && count is >= 0 and <= 1000)
        {
            return count;
        }

        errors[path] = ["A whole number from 0 to 1000."];
        return 0;
    }

    private static string? Error(Dictionary<string, string[]> errors, string path, string message)
    {
        errors[path] = [message];
        return null;
    }

    /// <summary>SHA-256 of the canonical JSON (object keys sorted, no white space): same request, same hash.</summary>
    public static string Hash(JsonNode body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(body)?.ToJsonString() ?? "null")));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstantPattern();
}
