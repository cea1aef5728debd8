using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Definitions;

/// <summary>Reads and writes procedure files (schemaVersion 1).</summary>
public static class DefinitionJson
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Options for procedure files: camelCase names and enum values, comments allowed.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // Process designers write "type" wherever they like in a node.
            AllowOutOfOrderMetadataProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // A property given twice is a mistake whichever value was meant (intake refuses it too).
            AllowDuplicateProperties = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Parses a procedure file. Malformed JSON or a wrong shape yields a problem with the JSON path where
    /// reading stopped, instead of an exception.
    /// </summary>
    public static LoadResult Parse(string json)
    {
        try
        {
            var definition = JsonSerializer.Deserialize<ProcedureDefinition>(json, Options);
            if (definition is null)
            {
                return LoadResult.Failed(new ValidationProblem("$", ProblemCodes.InvalidJson, "The file is empty (null)."));
            }

            if (definition.SchemaVersion != CurrentSchemaVersion)
            {
                return LoadResult.Failed(new ValidationProblem("$.schemaVersion", ProblemCodes.UnsupportedSchemaVersion,
                    $"Schema version {definition.SchemaVersion} is not supported; this engine reads version {CurrentSchemaVersion}."));
            }

            return new LoadResult(definition, []);
        }
        catch (JsonException ex)
        {
            return LoadResult.Failed(new ValidationProblem(ex.Path ?? "$", ProblemCodes.InvalidJson, Describe(ex)));
        }
    }

    public static string Serialize(ProcedureDefinition definition) => JsonSerializer.Serialize(definition, Options);

    private static string Describe(JsonException ex) => JsonMessages.Describe(ex, "Workflows.Engine.Definitions");
}

/// <summary>A parsed definition, or the problems that stopped it from being read.</summary>
public sealed record LoadResult(ProcedureDefinition? Definition, IReadOnlyList<ValidationProblem> Problems)
{
    public bool Succeeded => Definition is not null && Problems.Count == 0;

    public static LoadResult Failed(ValidationProblem problem) => new(null, [problem]);
}
