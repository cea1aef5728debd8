using System.Collections;
using Workflows.Engine.Definitions;
using Workflows.Engine.Expressions;

namespace Workflows.Engine.Runtime;

/// <summary>
/// What the engine derives once per definition version: node lookup, outgoing connections per port,
/// reachability (for the join rule) and compiled decision expressions. Immutable and shared across calls.
/// </summary>
internal sealed class CompiledProcedure
{
    private readonly Dictionary<string, int> indexById;
    private readonly Node[] nodes;
    private readonly Connection[][] outgoing;
    private readonly BitArray[] reach;
    private readonly Dictionary<string, DecisionExpression> expressions;
    private readonly Dictionary<string, string> expressionErrors;

    public CompiledProcedure(ProcedureDefinition definition, ExpressionLimits limits)
    {
        Definition = definition;
        var list = definition.Flowchart.Nodes;
        nodes = [.. list];
        indexById = new Dictionary<string, int>(nodes.Length, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            indexById.TryAdd(nodes[i].Id, i);
        }

        var outgoingLists = new List<Connection>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            outgoingLists[i] = [];
        }

        foreach (var connection in definition.Flowchart.Connections)
        {
            if (indexById.TryGetValue(connection.From, out var from) && indexById.ContainsKey(connection.To))
            {
                outgoingLists[from].Add(connection);
            }
        }

        outgoing = [.. outgoingLists.Select(l => l.ToArray())];
        reach = ComputeReachability();

        expressions = new Dictionary<string, DecisionExpression>(StringComparer.Ordinal);
        expressionErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var decision in nodes.OfType<DecisionNode>())
        {
            var compiled = DecisionExpression.TryCompile(decision.Expression, limits, out var error);
            if (compiled is not null)
            {
                expressions[decision.Id] = compiled;
            }
            else
            {
                expressionErrors[decision.Id] = error!;
            }
        }

        StartNode = nodes.OfType<StartNode>().FirstOrDefault();
    }

    public ProcedureDefinition Definition { get; }

    public StartNode? StartNode { get; }

    public Node? FindNode(string id) => indexById.TryGetValue(id, out var i) ? nodes[i] : null;

    public IReadOnlyList<Connection> Outgoing(string nodeId) =>
        indexById.TryGetValue(nodeId, out var i) ? outgoing[i] : [];

    public bool HasConnection(string nodeId, string? port)
    {
        foreach (var connection in Outgoing(nodeId))
        {
            if (connection.Outcome == port)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a token at <paramref name="from"/> can still arrive at <paramref name="to"/>.</summary>
    public bool CanReach(string from, string to) =>
        indexById.TryGetValue(from, out var a) && indexById.TryGetValue(to, out var b) && reach[a][b];

    public DecisionExpression? Expression(string nodeId, out string? error)
    {
        if (expressions.TryGetValue(nodeId, out var expression))
        {
            error = null;
            return expression;
        }

        error = expressionErrors.GetValueOrDefault(nodeId) ?? "The decision has no expression.";
        return null;
    }

    // Breadth-first search from every node: n × (n + e), fine for flowcharts of a few hundred nodes.
    // A node reaches another only through at least one connection, so a node on a loop reaches itself.
    private BitArray[] ComputeReachability()
    {
        var result = new BitArray[nodes.Length];
        var queue = new Queue<int>();
        for (var start = 0; start < nodes.Length; start++)
        {
            var seen = new BitArray(nodes.Length);
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                foreach (var connection in outgoing[queue.Dequeue()])
                {
                    var next = indexById[connection.To];
                    if (!seen[next])
                    {
                        seen[next] = true;
                        queue.Enqueue(next);
                    }
                }
            }

            result[start] = seen;
        }

        return result;
    }
}
