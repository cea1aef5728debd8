using Workflows.Engine.Definitions;

namespace Workflows.Engine.Validation;

/// <summary>
/// The flowchart as an index-based graph, tolerant of broken definitions: a connection whose end names no
/// node has no edge, a repeated id resolves to its first node, and connections leaving an End node have no
/// edge either (the engine never follows them). Algorithms are linear in nodes + connections.
/// </summary>
internal sealed class FlowGraph
{
    private FlowGraph(IReadOnlyList<Node?> nodes, Dictionary<string, int> indexById, bool[] inGraph,
        int[] from, int[] to, List<int>[] successors, List<int>[] predecessors, int[] outgoingConnections)
    {
        Nodes = nodes;
        IndexById = indexById;
        InGraph = inGraph;
        From = from;
        To = to;
        Successors = successors;
        Predecessors = predecessors;
        OutgoingConnections = outgoingConnections;
    }

    public IReadOnlyList<Node?> Nodes { get; }

    public int Count => Nodes.Count;

    /// <summary>Node index by id: the first node declaring the id.</summary>
    public IReadOnlyDictionary<string, int> IndexById { get; }

    /// <summary>
    /// False for a missing node, a node without id, or a later node repeating an id: connections cannot
    /// address it, so it takes no part in graph checks (its id is reported instead).
    /// </summary>
    public IReadOnlyList<bool> InGraph { get; }

    /// <summary>Index of each connection's source node, or -1 when it names no node.</summary>
    public IReadOnlyList<int> From { get; }

    /// <summary>Index of each connection's target node, or -1 when it names no node.</summary>
    public IReadOnlyList<int> To { get; }

    public IReadOnlyList<List<int>> Successors { get; }

    public IReadOnlyList<List<int>> Predecessors { get; }

    /// <summary>Connections leaving each node, whether or not their target exists.</summary>
    public IReadOnlyList<int> OutgoingConnections { get; }

    public static FlowGraph Build(Flowchart flowchart)
    {
        var nodes = (IReadOnlyList<Node?>?)flowchart.Nodes ?? [];
        var connections = (IReadOnlyList<Connection?>?)flowchart.Connections ?? [];

        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        var inGraph = new bool[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var id = nodes[i]?.Id;
            if (!string.IsNullOrWhiteSpace(id) && indexById.TryAdd(id, i))
            {
                inGraph[i] = true;
            }
        }

        var successors = new List<int>[nodes.Count];
        var predecessors = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            successors[i] = [];
            predecessors[i] = [];
        }

        var from = new int[connections.Count];
        var to = new int[connections.Count];
        var outgoing = new int[nodes.Count];
        for (var j = 0; j < connections.Count; j++)
        {
            from[j] = Resolve(indexById, connections[j]?.From);
            to[j] = Resolve(indexById, connections[j]?.To);
            if (from[j] >= 0)
            {
                outgoing[from[j]]++;
            }

            if (from[j] >= 0 && to[j] >= 0 && nodes[from[j]] is not EndNode)
            {
                successors[from[j]].Add(to[j]);
                predecessors[to[j]].Add(from[j]);
            }
        }

        return new FlowGraph(nodes, indexById, inGraph, from, to, successors, predecessors, outgoing);
    }

    private static int Resolve(Dictionary<string, int> indexById, string? id) =>
        id is not null && indexById.TryGetValue(id, out var index) ? index : -1;

    /// <summary>Nodes reachable from the seeds (seeds included) along the given adjacency.</summary>
    public bool[] Reach(IEnumerable<int> seeds, IReadOnlyList<List<int>> adjacency)
    {
        var seen = new bool[Count];
        var queue = new Queue<int>();
        foreach (var seed in seeds)
        {
            if (!seen[seed])
            {
                seen[seed] = true;
                queue.Enqueue(seed);
            }
        }

        while (queue.Count > 0)
        {
            foreach (var next in adjacency[queue.Dequeue()])
            {
                if (!seen[next])
                {
                    seen[next] = true;
                    queue.Enqueue(next);
                }
            }
        }

        return seen;
    }

    /// <summary>Strongly connected components (Tarjan, iterative so deep chains cannot overflow the stack).</summary>
    public List<List<int>> StronglyConnectedComponents()
    {
        var index = new int[Count];
        Array.Fill(index, -1);
        var low = new int[Count];
        var onStack = new bool[Count];
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int Edge)>();
        var components = new List<List<int>>();
        var next = 0;

        for (var root = 0; root < Count; root++)
        {
            if (index[root] >= 0 || !InGraph[root])
            {
                continue;
            }

            Visit(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var successors = Successors[node];
                if (edge < successors.Count)
                {
                    work.Push((node, edge + 1));
                    var successor = successors[edge];
                    if (index[successor] < 0)
                    {
                        Visit(successor);
                    }
                    else if (onStack[successor])
                    {
                        low[node] = Math.Min(low[node], index[successor]);
                    }

                    continue;
                }

                if (low[node] == index[node])
                {
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(member);
                    }
                    while (member != node);

                    component.Sort();
                    components.Add(component);
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return components;

        void Visit(int node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack[node] = true;
            work.Push((node, 0));
        }
    }
}
