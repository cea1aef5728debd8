using Workflows.Engine.Definitions;

namespace Workflows.Engine.Validation;

/// <summary>Figures a process designer needs about a flowchart, computed on the graph of its connections.</summary>
public static class FlowchartAnalysis
{
    /// <summary>
    /// The longest Start→End path in working hours, summing each Step's allotted time (other nodes count 0).
    /// Back edges found by a depth-first search from Start (loops such as "returnToPrevious") are ignored,
    /// so the figure is the time of one pass; parallel branches of a fork take the longest branch. Paths
    /// that never reach an End do not count. 0 when there is no Start or no End can be reached. A working day is
    /// <paramref name="hoursPerWorkingDay"/> long (the calendar's day; 8 h when no calendar is known).
    /// </summary>
    public static decimal LongestPathWorkingHours(ProcedureDefinition definition, decimal hoursPerWorkingDay = TimeLimit.HoursPerWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var graph = FlowGraph.Build(definition.Flowchart ?? new Flowchart());
        for (var i = 0; i < graph.Count; i++)
        {
            if (graph.InGraph[i] && graph.Nodes[i] is StartNode)
            {
                return LongestPathFrom(graph, i, hoursPerWorkingDay) ?? 0m;
            }
        }

        return 0m;
    }

    /// <summary>Longest weighted path from a node to any End, or null when no End is reachable.</summary>
    internal static decimal? LongestPathFrom(FlowGraph graph, int start, decimal hoursPerWorkingDay)
    {
        const byte Unvisited = 0, OnPath = 1, Done = 2;
        var state = new byte[graph.Count];
        var longest = new decimal?[graph.Count];
        var work = new Stack<(int Node, int Edge)>();
        state[start] = OnPath;
        work.Push((start, 0));

        while (work.Count > 0)
        {
            var (node, edge) = work.Pop();
            var successors = graph.Successors[node];
            if (edge < successors.Count)
            {
                work.Push((node, edge + 1));
                var successor = successors[edge];
                if (state[successor] == Unvisited)
                {
                    state[successor] = OnPath;
                    work.Push((successor, 0));
                }

                continue;
            }

            // Every successor is now Done, except ancestors still OnPath: those edges are back edges.
            state[node] = Done;
            decimal? tail = graph.Nodes[node] is EndNode ? 0m : null;
            foreach (var successor in successors)
            {
                if (state[successor] == Done && longest[successor] is { } candidate && (tail is null || candidate > tail))
                {
                    tail = candidate;
                }
            }

            longest[node] = tail + Weight(graph.Nodes[node], hoursPerWorkingDay);
        }

        return longest[start];
    }

    // A time the calendar cannot count is reported by the validator; here it must not overflow the sum.
    private static decimal Weight(Node? node, decimal hoursPerWorkingDay) =>
        node is StepNode { AllottedTime: { } time } && DefinitionValidator.IsCountable(time) ? time.ToWorkingHours(hoursPerWorkingDay) : 0m;
}
