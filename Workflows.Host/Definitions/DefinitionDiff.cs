using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Host.Definitions;

/// <summary>A node added, removed or changed; <paramref name="Fields"/> (changed nodes only) names what changed in it.</summary>
internal sealed record NodeChange(string Id, string Kind, string? Name, IReadOnlyList<FieldChange>? Fields = null);

/// <summary>One field of a node, old and new value as in the procedure file (null when absent).</summary>
internal sealed record FieldChange(string Field, JsonNode? Old, JsonNode? New);

/// <summary>
/// A change of the procedure's own data (name, limits, fee, ...). For <c>documents</c> each required document is
/// a change of its own, named by <paramref name="Item"/> (the document's name), with <paramref name="Change"/>
/// added, removed or changed; for other fields <paramref name="Change"/> is always changed.
/// </summary>
internal sealed record MetadataChange(string Field, string Change, JsonNode? Old, JsonNode? New, string? Item = null);

internal sealed record DefinitionDiffDto(
    string Code,
    int From,
    int To,
    IReadOnlyList<NodeChange> NodesAdded,
    IReadOnlyList<NodeChange> NodesRemoved,
    IReadOnlyList<NodeChange> NodesChanged,
    IReadOnlyList<Connection> ConnectionsAdded,
    IReadOnlyList<Connection> ConnectionsRemoved,
    decimal LongestPathHoursBefore,
    decimal LongestPathHoursAfter,
    IReadOnlyList<MetadataChange> MetadataChanges,
    decimal LongestPathDaysBefore,
    decimal LongestPathDaysAfter,
    decimal? LongestPathChangePercent,
    bool LayoutChanged);

/// <summary>
/// What changed between two versions of a procedure: nodes and connections by id, the fields of each changed node,
/// the procedure's own data, and the time on the longest path. Layout (positions, lanes) is only reported as
/// <see cref="DefinitionDiffDto.LayoutChanged"/>: moving a node on the diagram changes nothing for a dossier.
/// </summary>
internal static class DefinitionDiff
{
    /// <summary>The procedure's fields compared as metadata, as the file names them, in the form's order.</summary>
    private static readonly string[] MetadataFields =
    [
        "name", "nameEn", "field", "competentBody", "channels", "legalTimeLimit", "committedTimeLimit", "channelTimeLimits",
        "supplement", "fee", "effectiveFrom",
    ];

    /// <param name="hoursPerWorkingDay">The calendar's working day: steps given in days count that many hours on the longest path.</param>
    public static DefinitionDiffDto Compare(ProcedureDefinition from, ProcedureDefinition to, decimal hoursPerWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var before = from.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var after = to.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);

        // Records holding lists compare lists by reference, so nodes are compared by their JSON, field by field.
        var changed = new List<NodeChange>();
        foreach (var node in after.Values)
        {
            if (before.TryGetValue(node.Id, out var old) && FieldChanges(Json(old), Json(node), except: "id") is { Count: > 0 } fields)
            {
                changed.Add(Change(node) with { Fields = fields });
            }
        }

        var connectionsBefore = from.Flowchart.Connections.ToHashSet();
        var connectionsAfter = to.Flowchart.Connections.ToHashSet();
        var hoursBefore = FlowchartAnalysis.LongestPathWorkingHours(from, hoursPerWorkingDay);
        var hoursAfter = FlowchartAnalysis.LongestPathWorkingHours(to, hoursPerWorkingDay);

        return new DefinitionDiffDto(
            to.Code,
            from.Version,
            to.Version,
            [.. after.Values.Where(n => !before.ContainsKey(n.Id)).Select(Change)],
            [.. before.Values.Where(n => !after.ContainsKey(n.Id)).Select(Change)],
            changed,
            [.. to.Flowchart.Connections.Where(c => !connectionsBefore.Contains(c))],
            [.. from.Flowchart.Connections.Where(c => !connectionsAfter.Contains(c))],
            hoursBefore,
            hoursAfter,
            MetadataChanges(from, to),
            Days(hoursBefore, hoursPerWorkingDay),
            Days(hoursAfter, hoursPerWorkingDay),
            hoursBefore == 0 ? null : Math.Round((hoursAfter - hoursBefore) * 100m / hoursBefore, 1, MidpointRounding.AwayFromZero),
            !JsonNode.DeepEquals(Json(from.Layout), Json(to.Layout)));
    }

    private static List<MetadataChange> MetadataChanges(ProcedureDefinition from, ProcedureDefinition to)
    {
        var before = Json(from)!.AsObject();
        var after = Json(to)!.AsObject();
        var changes = MetadataFields
            .Select(field => (field, old: before[field], @new: after[field]))
            .Where(f => !JsonNode.DeepEquals(f.old, f.@new))
            .Select(f => new MetadataChange(f.field, "changed", f.old?.DeepClone(), f.@new?.DeepClone()))
            .ToList();

        // Documents are matched by name: a document renamed is one removed and one added, as the list reads.
        var documentsBefore = from.Documents.GroupBy(d => d.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var documentsAfter = to.Documents.GroupBy(d => d.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (name, document) in documentsAfter)
        {
            if (!documentsBefore.TryGetValue(name, out var old))
            {
                changes.Add(new MetadataChange("documents", "added", null, Json(document), name));
            }
            else if (!JsonNode.DeepEquals(Json(old), Json(document)))
            {
                changes.Add(new MetadataChange("documents", "changed", Json(old), Json(document), name));
            }
        }

        changes.AddRange(documentsBefore.Where(d => !documentsAfter.ContainsKey(d.Key))
            .Select(d => new MetadataChange("documents", "removed", Json(d.Value), null, d.Key)));
        return changes;
    }

    /// <summary>The properties of two JSON objects that differ (a property absent on one side is null there).</summary>
    private static List<FieldChange> FieldChanges(JsonNode? before, JsonNode? after, string except)
    {
        var old = before!.AsObject();
        var @new = after!.AsObject();
        return [.. old.Select(p => p.Key).Union(@new.Select(p => p.Key), StringComparer.Ordinal)
            .Where(field => field != except && !JsonNode.DeepEquals(old[field], @new[field]))
            .Select(field => new FieldChange(field, old[field]?.DeepClone(), @new[field]?.DeepClone()))];
    }

    private static decimal Days(decimal hours, decimal hoursPerWorkingDay) =>
        hoursPerWorkingDay <= 0 ? 0 : Math.Round(hours / hoursPerWorkingDay, 2, MidpointRounding.AwayFromZero);

    private static NodeChange Change(Node node) => new(node.Id, node.Kind, node.Name);

    private static JsonNode? Json<T>(T value) => JsonSerializer.SerializeToNode(value, DefinitionJson.Options);
}
