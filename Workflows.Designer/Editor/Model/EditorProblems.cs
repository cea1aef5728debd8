using System.Globalization;
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

/// <summary>One problem of the definition with where it belongs.</summary>
public sealed record EditorProblem(ValidationProblem Problem, ProblemTarget Target)
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
        return [.. problems.Select(p => new EditorProblem(p, Of(definition, p.Path)))];
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

    [GeneratedRegex(@"^\$\.flowchart\.nodes\[(\d+)\](?:\.([A-Za-z]+))?")]
    private static partial Regex NodePath();

    [GeneratedRegex(@"^\$\.flowchart\.connections\[(\d+)\]")]
    private static partial Regex ConnectionPath();

    [GeneratedRegex(@"^\$\.([A-Za-z$]+)")]
    private static partial Regex MetadataPath();
}
