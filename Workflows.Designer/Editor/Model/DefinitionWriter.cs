using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Model;

/// <summary>
/// Writes the editor's definition as a procedure file the way its author wrote it: a property the file left out stays
/// out while it still has its default value (outcomes ["approved"], version 1, empty lists...), and one the file wrote
/// stays written. Loading a file and saving it without edits therefore gives the same JSON, and new nodes are written
/// without their defaults.
/// </summary>
public static class DefinitionWriter
{
    private static readonly JsonObject RootDefaults = Defaults(new ProcedureDefinition
    {
        Code = "", Name = "", LegalTimeLimit = TimeLimit.Zero, CommittedTimeLimit = TimeLimit.Zero, Flowchart = new Flowchart(),
    });

    private static readonly Dictionary<string, JsonObject> NodeDefaults = new Node[]
    {
        new StartNode { Id = "" }, new StepNode { Id = "", Department = "", AllottedTime = TimeLimit.Zero },
        new DecisionNode { Id = "", Expression = "" }, new ForkNode { Id = "" }, new JoinNode { Id = "" },
        new WaitNode { Id = "", Signal = "" }, new TimerNode { Id = "", Delay = TimeLimit.Zero },
        new NotifyNode { Id = "", Template = "", Channel = "" }, new SubProcessNode { Id = "", Procedure = "" }, new EndNode { Id = "" },
    }.ToDictionary(n => n.Kind, n => (JsonObject)JsonSerializer.SerializeToNode(n, DefinitionJson.Options)!, StringComparer.Ordinal);

    private static readonly JsonObject DocumentDefaults = (JsonObject)JsonSerializer.SerializeToNode(new RequiredDocument { Name = "" }, DefinitionJson.Options)!;

    private static readonly JsonObject SupplementDefaults = (JsonObject)JsonSerializer.SerializeToNode(new SupplementPolicy(), DefinitionJson.Options)!;

    private static readonly JsonObject FeeDefaults = (JsonObject)JsonSerializer.SerializeToNode(new Fee(), DefinitionJson.Options)!;

    /// <summary>The definition as JSON, shaped like <paramref name="original"/> (the file it was loaded from) where it can be.</summary>
    public static JsonObject ToJson(ProcedureDefinition definition, JsonObject? original)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var json = (JsonObject)JsonSerializer.SerializeToNode(definition, DefinitionJson.Options)!;
        Prune(json, original, RootDefaults);
        Prune(json["supplement"] as JsonObject, original?["supplement"] as JsonObject, SupplementDefaults);
        Prune(json["fee"] as JsonObject, original?["fee"] as JsonObject, FeeDefaults);
        PruneList(json["documents"] as JsonArray, original?["documents"] as JsonArray, _ => DocumentDefaults, ByIndex);

        var nodes = json["flowchart"]?["nodes"] as JsonArray;
        var originalNodes = (original?["flowchart"]?["nodes"] as JsonArray)?.OfType<JsonObject>()
            .Where(n => n["id"] is JsonValue).GroupBy(n => n["id"]!.ToString()).ToDictionary(g => g.Key, g => g.First());
        PruneList(nodes, null, node => NodeDefaults.GetValueOrDefault(node["type"]?.ToString() ?? ""),
            (node, _, _) => node["id"]?.ToString() is { } id ? originalNodes?.GetValueOrDefault(id) : null);
        return json;
    }

    public static string Write(ProcedureDefinition definition, JsonObject? original) =>
        ToJson(definition, original).ToJsonString(DefinitionJson.Options);

    private static JsonObject? ByIndex(JsonObject item, int index, JsonArray? originals) =>
        originals is not null && index < originals.Count ? originals[index] as JsonObject : null;

    private static void PruneList(JsonArray? items, JsonArray? originals, Func<JsonObject, JsonObject?> defaults, Func<JsonObject, int, JsonArray?, JsonObject?> match)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (items![i] is JsonObject item && defaults(item) is { } itemDefaults)
            {
                Prune(item, match(item, i, originals), itemDefaults);
            }
        }
    }

    // Drops each property the original did not write whose value is the default.
    private static void Prune(JsonObject? json, JsonObject? original, JsonObject defaults)
    {
        if (json is null)
        {
            return;
        }

        foreach (var (name, value) in json.ToList())
        {
            if (original?.ContainsKey(name) != true && defaults.TryGetPropertyValue(name, out var fallback) && JsonNode.DeepEquals(value, fallback)
                && name is not ("type" or "id"))
            {
                json.Remove(name);
            }
        }
    }

    private static JsonObject Defaults(ProcedureDefinition definition) =>
        (JsonObject)JsonSerializer.SerializeToNode(definition, DefinitionJson.Options)!;
}
