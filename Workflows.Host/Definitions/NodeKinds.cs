using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Workflows.Engine.Definitions;

namespace Workflows.Host.Definitions;

/// <summary>
/// A property of a node kind as the procedure file writes it: JSON name, type (string, integer, number, boolean,
/// array, object, timeLimit, or enum with its values), whether a file must give it, and its default when it may be left out.
/// </summary>
internal sealed record NodePropertyDto(string Name, string Type, bool Required, IReadOnlyList<string>? Values, string? ItemType, JsonNode? Default);

/// <summary>
/// A node kind of the engine: its "type" in files, its properties, and its outcomes (the ports arrows leave from):
/// the default ones, whether the designer may name others, and for steps the outcomes the engine knows by name.
/// </summary>
internal sealed record NodeKindDto(
    string Type,
    IReadOnlyList<NodePropertyDto> Properties,
    bool HasOutgoing,
    bool EditableOutcomes,
    IReadOnlyList<string> DefaultOutcomes,
    IReadOnlyList<string> KnownOutcomes);

/// <summary>
/// The node kinds, read from the engine's model itself (the <see cref="JsonDerivedTypeAttribute"/>s on
/// <see cref="Node"/> and the file format's serializer contract), so a kind or property the engine gains is listed
/// without a second list to keep in step.
/// </summary>
internal static class NodeKinds
{
    public static IReadOnlyList<NodeKindDto> All { get; } = Read();

    private static List<NodeKindDto> Read()
    {
        var options = DefinitionJson.Options;
        var kinds = new List<NodeKindDto>();
        foreach (var derived in typeof(Node).GetCustomAttributes<JsonDerivedTypeAttribute>())
        {
            // The engine's defaults (e.g. a step's outcomes) come from a node built as a file that leaves them out would be.
            var sample = (Node)Activator.CreateInstance(derived.DerivedType)!;
            var defaults = JsonSerializer.SerializeToNode(sample, derived.DerivedType, options)!.AsObject();
            var info = options.GetTypeInfo(derived.DerivedType);
            var properties = info.Properties
                .Where(p => p.Get is not null)
                .Select(p => Property(p, defaults[p.Name]))
                .ToList();
            var editable = info.Properties.Any(p => p.Name == "outcomes");
            kinds.Add(new NodeKindDto(
                (string)derived.TypeDiscriminator!,
                properties,
                sample.Ports.Count > 0,
                editable,
                [.. sample.Ports.OfType<string>()],
                derived.DerivedType == typeof(StepNode) ? WellKnownOutcomes() : []));
        }

        return kinds;
    }

    private static NodePropertyDto Property(JsonPropertyInfo property, JsonNode? value)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var (name, values, item) = Describe(type);
        // A required property has no default; an empty list or absent value is no default worth showing either.
        var shown = property.IsRequired || value is null || value is JsonArray { Count: 0 } ? null : value.DeepClone();
        return new NodePropertyDto(property.Name, name, property.IsRequired, values, item, shown);
    }

    private static (string Type, IReadOnlyList<string>? Values, string? ItemType) Describe(Type type)
    {
        if (type.IsEnum)
        {
            return ("enum", [.. Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName)], null);
        }

        if (type == typeof(string))
        {
            return ("string", null, null);
        }

        if (type == typeof(bool))
        {
            return ("boolean", null, null);
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return ("integer", null, null);
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return ("number", null, null);
        }

        if (type == typeof(TimeLimit))
        {
            return ("timeLimit", null, null);
        }

        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
        return list is null ? ("object", null, null) : ("array", null, Describe(list).Type);
    }

    /// <summary>The outcomes the engine gives a meaning to (<see cref="Outcomes"/>), e.g. returnToPrevious.</summary>
    private static List<string> WellKnownOutcomes() =>
        [.. typeof(Outcomes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];
}
