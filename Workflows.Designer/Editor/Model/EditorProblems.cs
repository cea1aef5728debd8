using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Editor.Model;

/// <summary>
/// What a validation problem is about, so it can be shown there: a node (and the field of it, e.g. <c>department</c>,
/// <c>allottedTime</c>, <c>outcomes</c>), or a metadata field (<c>committedTimeLimit</c>, <c>code</c>...), or the
/// flowchart as a whole (<see cref="NodeId"/> and <see cref="MetadataField"/> both null, e.g. no Start).
/// </summary>
public sealed record ProblemTarget(string? NodeId, string? NodeField, string? MetadataField)
{
    public static ProblemTarget Flowchart { get; } = new(null, null, null);
}

/// <summary>
/// One problem of the definition with where it belongs, and what a message in the user's language needs besides its code:
/// <paramref name="Field"/>, the field the path ends at (<c>department</c>, <c>committedTimeLimit</c>; <c>outcomesItem</c>
/// for one entry of a list, <c>nodesItem</c> for a whole node), and <paramref name="Value"/>, the text found there in the
/// definition (the outcome, department id, node id... the problem is about), when it is a single value.
/// </summary>
public sealed record EditorProblem(ValidationProblem Problem, ProblemTarget Target, string? Field = null, string? Value = null)
{
    /// <summary>A stable key for the list (the same problem keeps its key across edits that do not touch it).</summary>
    public string Key => Problem.Path + "|" + Problem.Code + "|" + Problem.Message;
}

/// <summary>Maps the validator's JSON paths (<c>$.flowchart.nodes[3].department</c>) to targets in the editor.</summary>
public static partial class ProblemTargets
{
    public static IReadOnlyList<EditorProblem> Map(ProcedureDefinition definition, IReadOnlyList<ValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            return [];
        }

        var json = JsonNode.Parse(DefinitionJson.Serialize(definition));
        return [.. problems.Select(p => Problem(definition, json, p))];
    }

    private static EditorProblem Problem(ProcedureDefinition definition, JsonNode? json, ValidationProblem problem)
    {
        var target = Of(definition, problem.Path);
        var field = FieldOf(problem.Path);
        var value = ValueAt(json, problem.Path);
        if (field == "outcomesItem" && value is not null && target.NodeId is { } nodeId)
        {
            // A message about one of a node's outcomes names the branch as the designer called it, not by its id.
            value = Diagram.DiagramBuilder.OutcomeLabel(definition.Flowchart.Nodes.FirstOrDefault(n => n.Id == nodeId), value);
        }

        return new EditorProblem(problem, target, field, value);
    }

    /// <summary>
    /// The field a path ends at: its last property (<c>$.flowchart.nodes[2].department</c> → <c>department</c>), with
    /// <c>Item</c> appended when it ends at one entry of a list (<c>outcomes[1]</c> → <c>outcomesItem</c>), and the time
    /// limit rather than its number (<c>$.committedTimeLimit.value</c> → <c>committedTimeLimit</c>).
    /// </summary>
    public static string? FieldOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = PathSegment().Matches(path).Select(m => (Name: m.Groups[1].Value, Indexed: m.Groups[2].Success)).ToList();
        if (segments.Count > 1 && segments[^1] is { Name: "value" or "unit", Indexed: false })
        {
            segments.RemoveAt(segments.Count - 1);
        }

        return segments.Count == 0 ? null : segments[^1].Name + (segments[^1].Indexed ? "Item" : "");
    }

    /// <summary>The single value (text, number) at a validator's path in a definition's JSON; null for objects, lists, nothing.</summary>
    public static string? ValueAt(JsonNode? root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            node = node is JsonObject o ? o[segment.Groups[1].Value] : null;
            if (segment.Groups[2].Success)
            {
                var index = int.Parse(segment.Groups[2].Value, CultureInfo.InvariantCulture);
                node = node is JsonArray a && index < a.Count ? a[index] : null;
            }
        }

        return node is JsonValue value ? value.ToString() : null;
    }

    public static ProblemTarget Of(ProcedureDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(path);
        var node = NodePath().Match(path);
        if (node.Success)
        {
            var index = int.Parse(node.Groups[1].Value, CultureInfo.InvariantCulture);
            var nodes = definition.Flowchart.Nodes;
            return index < nodes.Count
                ? new ProblemTarget(nodes[index].Id, node.Groups[2].Success ? node.Groups[2].Value : null, null)
                : ProblemTarget.Flowchart;
        }

        var connection = ConnectionPath().Match(path);
        if (connection.Success)
        {
            // A connection's problem is shown on the node it leaves from (its outcomes), where it is drawn from.
            var index = int.Parse(connection.Groups[1].Value, CultureInfo.InvariantCulture);
            var connections = definition.Flowchart.Connections;
            return index < connections.Count && definition.Flowchart.Nodes.Any(n => n.Id == connections[index].From)
                ? new ProblemTarget(connections[index].From, "outcomes", null)
                : ProblemTarget.Flowchart;
        }

        var field = MetadataPath().Match(path);
        return field.Success && field.Groups[1].Value != "flowchart" ? new ProblemTarget(null, null, field.Groups[1].Value) : ProblemTarget.Flowchart;
    }

    [GeneratedRegex(@"\.([A-Za-z$]+)(?:\[(\d+)\])?")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"^\$\.flowchart\.nodes\[(\d+)\](?:\.([A-Za-z]+))?")]
    private static partial Regex NodePath();

    [GeneratedRegex(@"^\$\.flowchart\.connections\[(\d+)\]")]
    private static partial Regex ConnectionPath();

    [GeneratedRegex(@"^\$\.([A-Za-z$]+)")]
    private static partial Regex MetadataPath();
}
