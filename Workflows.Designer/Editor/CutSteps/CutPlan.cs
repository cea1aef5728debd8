using Workflows.Designer.Editor.Diff;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.CutSteps;

public enum CutAction
{
    Keep,
    /// <summary>The step goes; whatever led to it leads to its next node.</summary>
    Remove,
    /// <summary>The step stays with a shorter (or any new) time.</summary>
    Shorten,
    /// <summary>The step and the step after it become one step: the first's id and department, both names, the sum of times or a chosen time.</summary>
    MergeWithNext,
}

/// <summary>What to do with one step; <see cref="Time"/> is the new time (shorten) or the chosen merged time (null: the sum).</summary>
public sealed record StepCut(CutAction Action, TimeLimit? Time = null)
{
    public static StepCut Keep { get; } = new(CutAction.Keep);
}

/// <summary>The cut procedure and what it saves against the published version.</summary>
public sealed record CutResult(ProcedureDefinition Definition, DefinitionComparison Comparison)
{
    /// <summary>The centres' target: processing time 30 % shorter (DOMAIN: what leaders want; a goal, not a legal rule).</summary>
    public const decimal TargetPercent = 30m;

    public decimal DaysBefore => Comparison.LongestPathDaysBefore;

    public decimal DaysAfter => Comparison.LongestPathDaysAfter;

    public decimal SavingDays => DaysBefore - DaysAfter;

    /// <summary>The saving in % of the published longest path, one decimal; 0 when that path is 0.</summary>
    public decimal SavingPercent => DaysBefore == 0 ? 0 : Math.Round(SavingDays / DaysBefore * 100m, 1, MidpointRounding.AwayFromZero);

    public bool TargetMet => DaysBefore > 0 && SavingDays / DaysBefore * 100m >= TargetPercent;
}

/// <summary>
/// The administrators' cut-steps worksheet over the latest published version: a cut per step, applied in table order to
/// a copy of the flowchart. Pure: no Host, no UI, so every rule is unit-tested.
/// </summary>
public sealed class CutPlan
{
    private readonly Dictionary<string, StepCut> cuts = new(StringComparer.Ordinal);

    /// <param name="hoursPerWorkingDay">
    /// The calendar's working day (the Host's calendar, 7.5 h by default), the one the editor's time bar counts with:
    /// steps given in hours then save the same days here as there.
    /// </param>
    public CutPlan(ProcedureDefinition published, decimal hoursPerWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hoursPerWorkingDay);
        Published = published;
        HoursPerWorkingDay = hoursPerWorkingDay;
        Steps = [.. published.Flowchart.Nodes.OfType<StepNode>()];
    }

    public ProcedureDefinition Published { get; }

    public decimal HoursPerWorkingDay { get; }

    /// <summary>The steps in the order of the internal process table (the flowchart's order).</summary>
    public IReadOnlyList<StepNode> Steps { get; }

    public StepCut CutOf(string stepId) => cuts.GetValueOrDefault(stepId, StepCut.Keep);

    public void Set(string stepId, StepCut cut)
    {
        ArgumentNullException.ThrowIfNull(cut);
        if (Steps.All(s => s.Id != stepId))
        {
            throw new ArgumentException($"'{stepId}' is not a step of {Published.Code}.", nameof(stepId));
        }

        if (cut.Action == CutAction.MergeWithNext && NextStep(Published.Flowchart, stepId) is null)
        {
            throw new InvalidOperationException($"Step '{stepId}' has no step right after it to merge with.");
        }

        if (cut.Action == CutAction.Keep)
        {
            cuts.Remove(stepId);
        }
        else
        {
            cuts[stepId] = cut;
        }
    }

    /// <summary>The step a merge would join <paramref name="stepId"/> with, in the published flowchart (null when none follows directly).</summary>
    public StepNode? NextStepOf(string stepId) => NextStep(Published.Flowchart, stepId);

    /// <summary>The step whose merge swallows <paramref name="stepId"/>, if any (its row then shows it is merged).</summary>
    public StepNode? MergedInto(string stepId) =>
        Steps.FirstOrDefault(s => CutOf(s.Id).Action == CutAction.MergeWithNext && NextStepOf(s.Id)?.Id == stepId);

    public CutResult Apply()
    {
        var nodes = Published.Flowchart.Nodes.ToList();
        var connections = Published.Flowchart.Connections.ToList();
        // A step merged into an earlier one lives on under that one's id: a later cut of it applies there.
        var mergedInto = new Dictionary<string, string>(StringComparer.Ordinal);
        string Current(string id) => mergedInto.TryGetValue(id, out var into) ? Current(into) : id;

        foreach (var step in Steps)
        {
            var cut = CutOf(step.Id);
            var id = Current(step.Id);
            switch (cut.Action)
            {
                case CutAction.Remove:
                    Remove(nodes, connections, id);
                    break;
                case CutAction.Shorten when cut.Time is { } time:
                    Replace(nodes, id, s => s with { AllottedTime = time });
                    break;
                case CutAction.MergeWithNext:
                    if (NextStep(new Flowchart { Nodes = nodes, Connections = connections }, id) is { } next)
                    {
                        Merge(nodes, connections, id, next, cut.Time, HoursPerWorkingDay);
                        mergedInto[next.Id] = id;
                    }

                    break;
            }
        }

        PruneUnreachable(nodes, connections);
        var flowchart = new Flowchart { Nodes = nodes, Connections = connections };
        var cut1 = Published with
        {
            Flowchart = flowchart,
            Layout = Published.Layout?.WithoutUnknownNodes(flowchart),
        };
        var comparison = DefinitionComparison.Compare(Published, cut1, HoursPerWorkingDay);
        return new CutResult(cut1 with { CommittedTimeLimit = Committed(comparison.LongestPathDaysAfter) }, comparison);
    }

    /// <summary>
    /// The committed limit follows the cut: the new longest path, rounded up to half days (halves are the table's
    /// smallest unit), when it is shorter than what the published version commits to in working days.
    /// </summary>
    private TimeLimit Committed(decimal days)
    {
        var rounded = Math.Ceiling(days * 2m) / 2m;
        return Published.CommittedTimeLimit is { Unit: TimeUnit.WorkingDays } committed && rounded < committed.Value
            ? TimeLimit.Days(rounded)
            : Published.CommittedTimeLimit;
    }

    /// <summary>The port a step's main path leaves by: "approved", else the default port, else its first outcome.</summary>
    private static string? MainPort(Node node)
    {
        var ports = node.Ports;
        return ports.Contains(Outcomes.Approved) ? Outcomes.Approved : ports.Contains(null) || ports.Count == 0 ? null : ports[0];
    }

    private static StepNode? NextStep(Flowchart flowchart, string stepId)
    {
        var node = flowchart.Nodes.FirstOrDefault(n => n.Id == stepId);
        if (node is null)
        {
            return null;
        }

        var port = MainPort(node);
        var target = flowchart.Connections.FirstOrDefault(c => c.From == stepId && c.Outcome == port)?.To;
        return flowchart.Nodes.FirstOrDefault(n => n.Id == target && n.Id != stepId) as StepNode;
    }

    /// <summary>Every arrow into the step goes to where its main path led; its other exits (e.g. a refusal branch) go with it.</summary>
    private static void Remove(List<Node> nodes, List<Connection> connections, string id)
    {
        var node = nodes.FirstOrDefault(n => n.Id == id);
        if (node is null)
        {
            return;
        }

        var port = MainPort(node);
        var successor = connections.FirstOrDefault(c => c.From == id && c.Outcome == port)?.To;
        var incoming = connections.Where(c => c.To == id && c.From != id).ToList();
        connections.RemoveAll(c => c.From == id || c.To == id);
        if (successor is not null && successor != id)
        {
            connections.AddRange(incoming.Select(c => c with { To = successor }).Where(c => !connections.Contains(c)));
        }

        nodes.Remove(node);
    }

    private static void Merge(List<Node> nodes, List<Connection> connections, string firstId, StepNode second, TimeLimit? chosen, decimal hoursPerWorkingDay)
    {
        var first = (StepNode)nodes.Single(n => n.Id == firstId);
        var time = chosen ?? Sum(first.AllottedTime, second.AllottedTime, hoursPerWorkingDay);
        var merged = first with
        {
            Name = Join(first.Name, second.Name),
            NameEn = first.NameEn is null && second.NameEn is null ? null : Join(first.NameEn, second.NameEn),
            AllottedTime = time,
            Outcomes = [.. first.Outcomes.Union(second.Outcomes, StringComparer.Ordinal)],
            OutcomeNames = MergeNames(first.OutcomeNames, second.OutcomeNames),
            OutcomeNamesEn = MergeNames(first.OutcomeNamesEn, second.OutcomeNamesEn),
            ForwardTo = [.. first.ForwardTo.Union(second.ForwardTo, StringComparer.Ordinal)],
            Forms = [.. first.Forms.Union(second.Forms, StringComparer.Ordinal)],
        };
        nodes[nodes.IndexOf(first)] = merged;
        nodes.Remove(second);

        // The first's exits to the second disappear; the second's exits leave the merged step, unless the first already
        // routes that outcome elsewhere (its own branch, e.g. a refusal, stays as the first had it).
        connections.RemoveAll(c => c.From == firstId && c.To == second.Id);
        var taken = connections.Where(c => c.From == firstId).Select(c => c.Outcome).ToHashSet();
        var moved = connections.Where(c => c.From == second.Id).ToList();
        var into = connections.Where(c => c.To == second.Id && c.From != second.Id).ToList();
        connections.RemoveAll(c => c.From == second.Id || c.To == second.Id);
        connections.AddRange(moved.Where(c => !taken.Contains(c.Outcome) && c.To != firstId).Select(c => c with { From = firstId }));
        connections.AddRange(into.Where(c => c.From != firstId).Select(c => c with { To = firstId }).Where(c => !connections.Contains(c)));
    }

    // The merged step keeps the first's name of a shared outcome, as it keeps the first's branch for it.
    private static IReadOnlyDictionary<string, string>? MergeNames(IReadOnlyDictionary<string, string>? first, IReadOnlyDictionary<string, string>? second) =>
        first is null || second is null ? first ?? second
        : first.Concat(second.Where(n => !first.ContainsKey(n.Key))).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);

    private static TimeLimit Sum(TimeLimit a, TimeLimit b, decimal hoursPerWorkingDay) =>
        a.Unit == b.Unit ? a with { Value = a.Value + b.Value }
        : TimeLimit.Hours(a.ToWorkingHours(hoursPerWorkingDay) + b.ToWorkingHours(hoursPerWorkingDay));

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => $"{a}; {b}",
    };

    private static void Replace(List<Node> nodes, string id, Func<StepNode, StepNode> change)
    {
        var index = nodes.FindIndex(n => n.Id == id);
        if (index >= 0 && nodes[index] is StepNode step)
        {
            nodes[index] = change(step);
        }
    }

    /// <summary>Nodes no longer reachable from Start (the refusal branch of a removed review, say) go too.</summary>
    private static void PruneUnreachable(List<Node> nodes, List<Connection> connections)
    {
        var reached = new HashSet<string>(nodes.OfType<StartNode>().Select(n => n.Id), StringComparer.Ordinal);
        var queue = new Queue<string>(reached);
        while (queue.TryDequeue(out var id))
        {
            foreach (var next in connections.Where(c => c.From == id).Select(c => c.To))
            {
                if (reached.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        nodes.RemoveAll(n => !reached.Contains(n.Id));
        connections.RemoveAll(c => !reached.Contains(c.From) || !reached.Contains(c.To));
    }
}
