using System.Globalization;
using System.Text.Json;
using Workflows.Engine.Definitions;
using Workflows.Engine.Expressions;

namespace Workflows.Engine.Validation;

/// <summary>
/// Checks a procedure definition before it is published and reports every problem at once, each with the
/// JSON path of the offending field (for the designer's editor) and a message saying what to do.
/// </summary>
public static class DefinitionValidator
{
    /// <summary>Notification channels the engine can send on.</summary>
    public static IReadOnlySet<string> NotifyChannels { get; } = new HashSet<string>(StringComparer.Ordinal) { "sms", "email", "webhook" };

    /// <summary>Notify recipient meaning the applicant rather than a department.</summary>
    public const string ApplicantRecipient = "applicant";

    /// <summary>Problems in the definition, in file order within each kind of check; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(ProcedureDefinition definition, ValidationContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new Run(definition, context ?? new ValidationContext()).Execute();
    }

    private const string CodeRule = "a procedure code has at most 64 characters: ASCII letters, digits, dots, hyphens and underscores, starting with a letter or digit (e.g. 1.001193).";

    /// <summary>
    /// Problems that stop a definition from being stored at all, even as a draft: its code names the draft in URLs
    /// and files, and code and name are columns of their own. <see cref="Validate"/> reports them too.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> StorageProblems(ProcedureDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var found = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(definition.Code))
        {
            found.Add(new ValidationProblem("$.code", ProblemCodes.Required, "The procedure has no code; enter its national procedure code (e.g. 1.001193)."));
        }
        else if (!DefinitionLimits.IsValidCode(definition.Code))
        {
            found.Add(new ValidationProblem("$.code", ProblemCodes.InvalidValue, $"\"{Shorten(definition.Code)}\" is not a procedure code; {CodeRule}"));
        }

        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            found.Add(new ValidationProblem("$.name", ProblemCodes.Required, "The procedure has no name; enter its name as published."));
        }
        else if (definition.Name.Length > DefinitionLimits.NameLength)
        {
            found.Add(new ValidationProblem("$.name", ProblemCodes.InvalidValue,
                string.Create(CultureInfo.InvariantCulture, $"The name has {definition.Name.Length} characters; at most {DefinitionLimits.NameLength} fit. Shorten it.")));
        }

        return found;
    }

    /// <summary>Whether the calendar can count the limit (the validator reports the others).</summary>
    internal static bool IsCountable(TimeLimit limit) => limit.Value <= DefinitionLimits.MaxValue(limit.Unit);

    // Messages quote what was typed, but not a whole file of it.
    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");

    private sealed class Run(ProcedureDefinition definition, ValidationContext context)
    {
        // Outcomes the engine handles on a step without a connection: "returnToPrevious" goes back to the
        // previous step, "needsSupplement" waits for the supplement and reopens the same step.
        private static readonly HashSet<string> ImplicitStepOutcomes = new(StringComparer.Ordinal)
        {
            Outcomes.ReturnToPrevious,
            Outcomes.NeedsSupplement,
        };

        // A sub-process connection may name the child's result (its End node's result) or none (default).
        private static readonly string[] ChildResults =
            [.. Enum.GetValues<EndResult>().Select(result => JsonNamingPolicy.CamelCase.ConvertName(result.ToString()))];

        private readonly List<ValidationProblem> problems = [];
        private readonly Flowchart flowchart = definition.Flowchart ?? new Flowchart();
        private FlowGraph graph = null!;

        public List<ValidationProblem> Execute()
        {
            graph = FlowGraph.Build(flowchart);
            CheckHeader();
            CheckNodes();
            CheckConnections();
            CheckStarts(out var starts);
            CheckGraphShape(starts);
            CheckOutcomesConnected();
            CheckTimes(starts);
            return problems;
        }

        private void Add(string path, string code, string message) => problems.Add(new ValidationProblem(path, code, message));

        // ---- Fields ------------------------------------------------------------------------------------

        private void CheckHeader()
        {
            problems.AddRange(StorageProblems(definition));

            if (definition.Version < 1)
            {
                Add("$.version", ProblemCodes.InvalidValue,
                    Invariant($"The version is {definition.Version}; versions are numbered from 1."));
            }

            if (definition.Flowchart is null)
            {
                Add("$.flowchart", ProblemCodes.Required, "The procedure has no flowchart; add its nodes and connections.");
            }

            CheckTime(definition.LegalTimeLimit, "$.legalTimeLimit", "The legal time limit");
            CheckTime(definition.CommittedTimeLimit, "$.committedTimeLimit", "The committed time limit");
            foreach (var (channel, limit) in definition.ChannelTimeLimits ?? new Dictionary<Channel, TimeLimit>())
            {
                CheckTime(limit, ChannelPath(channel), $"The committed time limit for {ChannelName(channel)} dossiers");
            }

            if (definition.Supplement?.Deadline is { } deadline)
            {
                CheckTime(deadline, "$.supplement.deadline", "The supplement deadline");
            }
        }

        private void CheckTime(TimeLimit? limit, string path, string what)
        {
            if (limit is null)
            {
                Add(path, ProblemCodes.Required, $"{what} is missing; enter a value and a unit.");
            }
            else if (limit.Value < 0)
            {
                Add(path + ".value", ProblemCodes.InvalidValue, $"{what} is negative ({limit}); enter zero or more.");
            }
            else if (!IsCountable(limit))
            {
                Add(path + ".value", ProblemCodes.InvalidValue,
                    Invariant($"{what} is {limit}; a time limit is at most {DefinitionLimits.MaxDays} days ({DefinitionLimits.MaxWorkingHours} working hours), as far as the working calendar can count."));
            }
            else if (limit.Unit == TimeUnit.WorkingDays && limit.Value % 0.5m != 0)
            {
                Add(path + ".value", ProblemCodes.InvalidValue,
                    $"{what} is {limit}; working days are counted in whole or half days (e.g. 0.5, 1, 1.5).");
            }
        }

        private void CheckNodes()
        {
            for (var i = 0; i < graph.Count; i++)
            {
                var node = graph.Nodes[i];
                var path = NodePath(i);
                if (node is null)
                {
                    Add(path, ProblemCodes.Required, Invariant($"Node {i} is empty; remove it or give it a type and an id."));
                    continue;
                }

                if (string.IsNullOrWhiteSpace(node.Id))
                {
                    Add(path + ".id", ProblemCodes.Required, $"{Describe(node)} has no id; give it an id unique in the flowchart.");
                }
                else if (node.Id.Length > DefinitionLimits.IdLength)
                {
                    Add(path + ".id", ProblemCodes.InvalidValue, Invariant($"The id of node {i} has {node.Id.Length} characters; an id has at most {DefinitionLimits.IdLength}."));
                }
                else if (!graph.InGraph[i])
                {
                    var first = graph.IndexById[node.Id];
                    Add(path + ".id", ProblemCodes.DuplicateId,
                        $"{Describe(node)} has the same id as {Describe(graph.Nodes[first]!)} (node {first}); give it a different id.");
                }

                CheckLength(node.Name, path + ".name", DefinitionLimits.NameLength, $"The name of {Describe(node)}");
                switch (node)
                {
                    case StepNode step:
                        CheckStep(step, path);
                        break;
                    case DecisionNode decision:
                        CheckDecision(decision, path);
                        break;
                    case WaitNode wait when string.IsNullOrWhiteSpace(wait.Signal):
                        Add(path + ".signal", ProblemCodes.Required,
                            $"{Describe(wait)} has no signal; name the signal it waits for (e.g. taxPaid).");
                        break;
                    case WaitNode wait:
                        CheckLength(wait.Signal, path + ".signal", DefinitionLimits.IdLength, $"The signal of {Describe(wait)}");
                        break;
                    case TimerNode timer:
                        CheckTime(timer.Delay, path + ".delay", $"The delay of {Describe(timer)}");
                        break;
                    case NotifyNode notify:
                        CheckNotify(notify, path);
                        break;
                    case SubProcessNode subProcess:
                        CheckSubProcess(subProcess, path);
                        break;
                    default:
                        break;
                }
            }
        }

        private void CheckStep(StepNode step, string path)
        {
            if (string.IsNullOrWhiteSpace(step.Department))
            {
                Add(path + ".department", ProblemCodes.Required,
                    $"{Describe(step)} has no department; choose the department responsible for it.");
            }
            else
            {
                CheckDepartment(step.Department, path + ".department", $"{Describe(step)} is assigned to");
            }

            CheckLength(step.Role, path + ".role", DefinitionLimits.IdLength, $"The role of {Describe(step)}");

            var forwardTo = step.ForwardTo ?? [];
            for (var k = 0; k < forwardTo.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(forwardTo[k]))
                {
                    Add(Invariant($"{path}.forwardTo[{k}]"), ProblemCodes.Required,
                        $"{Describe(step)} lists an empty department to forward to; remove it or choose a department.");
                }
                else
                {
                    CheckDepartment(forwardTo[k], Invariant($"{path}.forwardTo[{k}]"), $"{Describe(step)} may be forwarded to");
                }
            }

            CheckTime(step.AllottedTime, path + ".allottedTime", $"The allotted time of {Describe(step)}");
            CheckOutcomeList(step, step.Outcomes, path);
            CheckOutcomeNames(step, step.OutcomeNames, step.OutcomeNamesEn, path);
        }

        private void CheckDecision(DecisionNode decision, string path)
        {
            if (string.IsNullOrWhiteSpace(decision.Expression))
            {
                Add(path + ".expression", ProblemCodes.Required,
                    $"{Describe(decision)} has no expression; write one over the dossier data (e.g. data.fee > 0).");
            }
            else if (DecisionExpression.TryCompile(decision.Expression, null, out var error) is not { } compiled)
            {
                Add(path + ".expression", ProblemCodes.ExpressionDoesNotCompile,
                    $"The expression of {Describe(decision)} does not compile: {StripPrefix(error)} Correct it.");
            }
            else if (compiled.LimitReachedWithoutData() is { } limit)
            {
                // Belt and braces: the limits hold at run time anyway, but such a decision would fault every dossier.
                Add(path + ".expression", ProblemCodes.ExpressionExceedsLimits,
                    $"The expression of {Describe(decision)} is stopped by its limits even without dossier data ({limit}) Decisions are short conditions over the dossier data (e.g. data.floorArea > 250).");
            }

            CheckOutcomeList(decision, decision.Outcomes, path);
            CheckOutcomeNames(decision, decision.OutcomeNames, decision.OutcomeNamesEn, path);
        }

        private static string StripPrefix(string? error)
        {
            const string Prefix = "The expression does not compile: ";
            error ??= "unknown error.";
            return error.StartsWith(Prefix, StringComparison.Ordinal) ? error[Prefix.Length..] : error;
        }

        private void CheckOutcomeList(Node node, IReadOnlyList<string>? outcomes, string path)
        {
            if (outcomes is null || outcomes.Count == 0)
            {
                Add(path + ".outcomes", ProblemCodes.Required,
                    $"{Describe(node)} has no outcomes; list the outcomes it can end with (e.g. approved, rejected).");
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < outcomes.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(outcomes[k]))
                {
                    Add(Invariant($"{path}.outcomes[{k}]"), ProblemCodes.Required,
                        $"{Describe(node)} has an empty outcome; name it or remove it.");
                }
                else if (outcomes[k].Length > DefinitionLimits.IdLength)
                {
                    CheckLength(outcomes[k], Invariant($"{path}.outcomes[{k}]"), DefinitionLimits.IdLength, $"An outcome of {Describe(node)}");
                }
                else if (!seen.Add(outcomes[k]))
                {
                    Add(Invariant($"{path}.outcomes[{k}]"), ProblemCodes.InvalidValue,
                        $"{Describe(node)} lists the outcome \"{outcomes[k]}\" twice; remove the repetition.");
                }
            }
        }

        // The branches' labels are copied nowhere but shown beside the steps' names, so they share the names' limit.
        private void CheckOutcomeNames(Node node, IReadOnlyDictionary<string, string>? names, IReadOnlyDictionary<string, string>? namesEn, string path)
        {
            foreach (var (field, map) in new[] { ("outcomeNames", names), ("outcomeNamesEn", namesEn) })
            {
                foreach (var (outcome, name) in map ?? new Dictionary<string, string>())
                {
                    CheckLength(name, $"{path}.{field}", DefinitionLimits.NameLength, $"The name of the outcome \"{outcome}\" of {Describe(node)}");
                }
            }
        }

        private void CheckNotify(NotifyNode notify, string path)
        {
            if (string.IsNullOrWhiteSpace(notify.Template))
            {
                Add(path + ".template", ProblemCodes.Required, $"{Describe(notify)} has no template; choose the message template to send.");
            }
            else if (context.Templates is { } templates && !templates.Contains(notify.Template))
            {
                Add(path + ".template", ProblemCodes.UnknownTemplate,
                    $"{Describe(notify)} uses the template \"{notify.Template}\", which does not exist; choose an existing template or add it under definitions/templates.");
            }

            if (string.IsNullOrWhiteSpace(notify.Channel))
            {
                Add(path + ".channel", ProblemCodes.Required, $"{Describe(notify)} has no channel; choose sms, email or webhook.");
            }
            else if (!NotifyChannels.Contains(notify.Channel))
            {
                Add(path + ".channel", ProblemCodes.InvalidValue,
                    $"{Describe(notify)} sends on \"{notify.Channel}\", which is not a channel; choose sms, email or webhook.");
            }

            if (string.IsNullOrWhiteSpace(notify.Recipient))
            {
                Add(path + ".recipient", ProblemCodes.Required,
                    $"{Describe(notify)} has no recipient; write \"{ApplicantRecipient}\" or a department id.");
            }
            else if (notify.Recipient != ApplicantRecipient)
            {
                CheckDepartment(notify.Recipient, path + ".recipient", $"{Describe(notify)} is sent to");
            }
        }

        private void CheckSubProcess(SubProcessNode subProcess, string path)
        {
            if (string.IsNullOrWhiteSpace(subProcess.Procedure))
            {
                Add(path + ".procedure", ProblemCodes.Required, $"{Describe(subProcess)} names no procedure; enter the code of the procedure to run.");
            }
            else if (!DefinitionLimits.IsValidCode(subProcess.Procedure))
            {
                Add(path + ".procedure", ProblemCodes.InvalidValue, $"{Describe(subProcess)} names \"{Shorten(subProcess.Procedure)}\", which is not a procedure code; {CodeRule}");
            }
            else if (subProcess.Procedure == definition.Code)
            {
                Add(path + ".procedure", ProblemCodes.InvalidValue,
                    $"{Describe(subProcess)} runs this same procedure ({subProcess.Procedure}), which would start itself forever; name another procedure.");
            }
            else if (context.Procedures is { } procedures && !procedures.Contains(subProcess.Procedure))
            {
                Add(path + ".procedure", ProblemCodes.UnknownProcedure,
                    $"{Describe(subProcess)} runs the procedure \"{subProcess.Procedure}\", which is not known; enter the code of an existing procedure.");
            }
        }

        private void CheckDepartment(string department, string path, string subject)
        {
            if (department.Length > DefinitionLimits.IdLength)
            {
                CheckLength(department, path, DefinitionLimits.IdLength, $"{subject} a department whose id");
            }
            else if (context.Departments is { } departments && !departments.Contains(department))
            {
                Add(path, ProblemCodes.UnknownDepartment,
                    $"{subject} the department \"{department}\", which does not exist; choose one from the department list.");
            }
        }

        // ---- Connections -------------------------------------------------------------------------------

        private void CheckConnections()
        {
            var connections = (IReadOnlyList<Connection?>?)flowchart.Connections ?? [];
            for (var j = 0; j < connections.Count; j++)
            {
                var connection = connections[j];
                var path = ConnectionPath(j);
                if (connection is null)
                {
                    Add(path, ProblemCodes.Required, Invariant($"Connection {j} is empty; remove it or give it from and to."));
                    continue;
                }

                var label = Invariant($"Connection {j} ({End(connection.From, graph.From[j])} → {End(connection.To, graph.To[j])})");
                CheckEnd(connection.From, graph.From[j], path + ".from", label, "starts at");
                CheckEnd(connection.To, graph.To[j], path + ".to", label, "leads to");

                if (graph.From[j] >= 0)
                {
                    CheckConnectionOutcome(connection, graph.Nodes[graph.From[j]]!, path);
                }

                if (graph.To[j] >= 0 && graph.Nodes[graph.To[j]] is StartNode)
                {
                    Add(path + ".to", ProblemCodes.InvalidValue,
                        $"{label} leads into the Start; nothing may lead to it. Connect it to the first step instead.");
                }
            }
        }

        private string End(string? id, int resolved) => resolved >= 0 ? Describe(graph.Nodes[resolved]!) : $"\"{id}\"";

        private void CheckEnd(string? id, int resolved, string path, string label, string verb)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                Add(path, ProblemCodes.Required, $"{label} {verb} no node; enter a node id.");
            }
            else if (resolved < 0)
            {
                Add(path, ProblemCodes.UnknownNode,
                    $"{label} {verb} \"{id}\", which is not a node of the flowchart; correct the id or add the node.");
            }
        }

        private void CheckConnectionOutcome(Connection connection, Node from, string path)
        {
            var outcome = connection.Outcome;
            switch (from)
            {
                case EndNode:
                    Add(path + ".from", ProblemCodes.InvalidValue,
                        $"A connection leaves {Describe(from)}, but the procedure finishes there; remove the connection.");
                    break;
                case StepNode or DecisionNode:
                    var outcomes = (from as StepNode)?.Outcomes ?? (from as DecisionNode)?.Outcomes ?? [];
                    if (outcome is null)
                    {
                        Add(path + ".outcome", ProblemCodes.UnknownOutcome,
                            $"A connection from {Describe(from)} does not say which outcome it follows; set its outcome to one of: {string.Join(", ", outcomes)}.");
                    }
                    else if (!outcomes.Contains(outcome, StringComparer.Ordinal))
                    {
                        Add(path + ".outcome", ProblemCodes.UnknownOutcome,
                            $"A connection from {Describe(from)} follows the outcome \"{outcome}\", which the node does not have; use one of: {string.Join(", ", outcomes)}, or add the outcome to the node.");
                    }

                    break;
                case SubProcessNode when outcome is not null && !ChildResults.Contains(outcome, StringComparer.Ordinal):
                    Add(path + ".outcome", ProblemCodes.UnknownOutcome,
                        $"A connection from {Describe(from)} follows \"{outcome}\", which is not a result of a procedure; use {string.Join(", ", ChildResults)}, or no outcome for the default.");
                    break;
                case SubProcessNode:
                    break;
                default:
                    if (outcome is not null)
                    {
                        Add(path + ".outcome", ProblemCodes.UnknownOutcome,
                            $"A connection from {Describe(from)} follows the outcome \"{outcome}\", but a {from.Kind} node has no outcomes; remove the outcome.");
                    }

                    break;
            }
        }

        // ---- Graph shape -------------------------------------------------------------------------------

        private void CheckStarts(out List<int> starts)
        {
            starts = [];
            for (var i = 0; i < graph.Count; i++)
            {
                if (graph.InGraph[i] && graph.Nodes[i] is StartNode)
                {
                    starts.Add(i);
                }
            }

            if (starts.Count == 0)
            {
                Add("$.flowchart.nodes", ProblemCodes.NoStart,
                    "The flowchart has no Start node; add one and connect it to the first step.");
            }

            foreach (var extra in starts.Skip(1))
            {
                Add(NodePath(extra), ProblemCodes.MultipleStarts,
                    $"{Describe(graph.Nodes[extra]!)} is a second Start ({Describe(graph.Nodes[starts[0]]!)} is the first); a procedure has exactly one. Remove it or make it another kind of node.");
            }
        }

        private void CheckGraphShape(List<int> starts)
        {
            var reachable = graph.Reach(starts, graph.Successors);
            var reachesEnd = graph.Reach(Where(node => node is EndNode), graph.Predecessors);
            var forks = Where(node => node is ForkNode);
            var afterFork = graph.Reach(forks.SelectMany(fork => graph.Successors[fork]), graph.Successors);

            for (var i = 0; i < graph.Count; i++)
            {
                if (!graph.InGraph[i])
                {
                    continue;
                }

                var node = graph.Nodes[i]!;
                if (starts.Count > 0 && !reachable[i])
                {
                    Add(NodePath(i), ProblemCodes.Unreachable,
                        $"{Describe(node)} cannot be reached from the Start; connect a node to it or remove it.");
                }

                if (node is not EndNode && graph.OutgoingConnections[i] == 0)
                {
                    Add(NodePath(i), ProblemCodes.DeadEnd,
                        $"{Describe(node)} leads nowhere: no connection leaves it, so a dossier would stop there. Connect it to the next node or to an End.");
                }

                if (node is JoinNode && !afterFork[i])
                {
                    Add(NodePath(i), ProblemCodes.JoinWithoutFork,
                        $"{Describe(node)} joins branches that no Fork started (no Fork comes before it); start the branches with a Fork, or remove the Join if the branches are alternatives.");
                }
            }

            // A node from which no End can be reached either is a dead end (reported above), lies in a cycle
            // with no way out (reported here once per cycle), or only leads into one of those; fixing the
            // dead end or the cycle fixes it too, so it is not reported again.
            foreach (var component in graph.StronglyConnectedComponents())
            {
                var first = component[0];
                var isCycle = component.Count > 1 || graph.Successors[first].Contains(first);
                var considered = starts.Count == 0 || reachable[first];
                if (isCycle && considered && !reachesEnd[first])
                {
                    Add(NodePath(first), ProblemCodes.CycleWithoutExit,
                        component.Count == 1
                            ? $"{Describe(graph.Nodes[first]!)} loops to itself with no way to an End; a dossier entering it could never finish. Add a connection from it towards an End."
                            : $"{Names(component)} form a loop with no way to an End; a dossier entering it could never finish. Add a connection from one of them towards an End.");
                }
            }
        }

        private void CheckOutcomesConnected()
        {
            var connected = new HashSet<string>[graph.Count];
            var hasDefault = new bool[graph.Count];
            var connections = (IReadOnlyList<Connection?>?)flowchart.Connections ?? [];
            for (var j = 0; j < connections.Count; j++)
            {
                var from = graph.From[j];
                if (from < 0)
                {
                    continue;
                }

                if (connections[j]!.Outcome is { } outcome)
                {
                    (connected[from] ??= new HashSet<string>(StringComparer.Ordinal)).Add(outcome);
                }
                else
                {
                    hasDefault[from] = true;
                }
            }

            var firstSteps = FirstSteps();
            for (var i = 0; i < graph.Count; i++)
            {
                if (!graph.InGraph[i])
                {
                    continue;
                }

                var node = graph.Nodes[i]!;
                var (outcomes, implicitOutcomes) = node switch
                {
                    StepNode step => (step.Outcomes, ImplicitStepOutcomes),
                    DecisionNode decision => (decision.Outcomes, null),
                    _ => ((IReadOnlyList<string>?)null, (HashSet<string>?)null),
                };

                for (var k = 0; k < (outcomes?.Count ?? 0); k++)
                {
                    var outcome = outcomes![k];
                    if (!string.IsNullOrWhiteSpace(outcome)
                        && implicitOutcomes?.Contains(outcome) != true
                        && connected[i]?.Contains(outcome) != true)
                    {
                        Add(Invariant($"{NodePath(i)}.outcomes[{k}]"), ProblemCodes.OutcomeNotConnected,
                            $"The outcome \"{outcome}\" of {Describe(node)} has no connection; connect it to the node that follows it.");
                    }
                }

                if (node is StepNode first && firstSteps[i] && !(connected[i]?.Contains(Outcomes.ReturnToPrevious) ?? false)
                    && first.Outcomes.ToList().IndexOf(Outcomes.ReturnToPrevious) is var back and >= 0)
                {
                    Add(Invariant($"{NodePath(i)}.outcomes[{back}]"), ProblemCodes.OutcomeNotConnected,
                        $"{Describe(node)} can be the first step, so \"returnToPrevious\" has no previous step to go back to; connect it or remove it.");
                }

                // Without any connection the node is already a dead end.
                if (node is SubProcessNode && graph.OutgoingConnections[i] > 0 && !hasDefault[i])
                {
                    Add(NodePath(i), ProblemCodes.OutcomeNotConnected,
                        $"{Describe(node)} has no default connection (one without outcome), so a result without its own connection would stop the dossier; add one.");
                }
            }
        }

        // Steps a dossier can reach from Start without passing another step: they have no previous step.
        private bool[] FirstSteps()
        {
            var first = new bool[graph.Count];
            var seen = new bool[graph.Count];
            var queue = new Queue<int>();
            for (var i = 0; i < graph.Count; i++)
            {
                if (graph.InGraph[i] && graph.Nodes[i] is StartNode)
                {
                    seen[i] = true;
                    queue.Enqueue(i);
                }
            }

            while (queue.Count > 0)
            {
                foreach (var next in graph.Successors[queue.Dequeue()])
                {
                    if (seen[next])
                    {
                        continue;
                    }

                    seen[next] = true;
                    if (graph.Nodes[next] is StepNode)
                    {
                        first[next] = true;
                    }
                    else
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            return first;
        }

        // ---- Times -------------------------------------------------------------------------------------

        private void CheckTimes(List<int> starts)
        {
            var legal = definition.LegalTimeLimit;
            var committed = definition.CommittedTimeLimit;
            var channelLimits = definition.ChannelTimeLimits ?? new Dictionary<Channel, TimeLimit>();

            CheckNotAboveLegal(committed, legal, "$.committedTimeLimit", "The committed time limit");
            foreach (var (channel, limit) in channelLimits)
            {
                CheckNotAboveLegal(limit, legal, ChannelPath(channel), $"The committed time limit for {ChannelName(channel)} dossiers");
            }

            if (starts.Count == 0)
            {
                return;
            }

            var hours = FlowchartAnalysis.LongestPathFrom(graph, starts[0], context.HoursPerWorkingDay) ?? 0m;
            CheckStepsFit(hours, committed, "$.committedTimeLimit", "the committed");
            foreach (var (channel, limit) in channelLimits)
            {
                CheckStepsFit(hours, limit, ChannelPath(channel), $"the {ChannelName(channel)} dossiers' committed");
            }
        }

        // Limits are compared only when the comparison is exact: same unit, or both in working units
        // (a working day is the calendar's day, context.HoursPerWorkingDay). Calendar days against working time depends on the calendar
        // (weekends, holidays), so such pairs are left to the reviewer rather than guessed at.
        private void CheckNotAboveLegal(TimeLimit? limit, TimeLimit? legal, string path, string what)
        {
            if (limit is null || legal is null || limit.Value < 0 || legal.Value < 0 || !IsCountable(limit) || !IsCountable(legal))
            {
                return;
            }

            var above = limit.Unit == legal.Unit ? limit.Value > legal.Value
                : limit.Unit != TimeUnit.CalendarDays && legal.Unit != TimeUnit.CalendarDays
                    && limit.ToWorkingHours(context.HoursPerWorkingDay) > legal.ToWorkingHours(context.HoursPerWorkingDay);
            if (above)
            {
                Add(path, ProblemCodes.CommittedLimitAboveLegalLimit,
                    $"{what} ({limit}) is longer than the legal limit ({legal}); a centre may commit to less time than the law allows, never more. Shorten it.");
            }
        }

        // Step times are working time. A calendar-day limit is read as that many working days, which is
        // longer than it really is, so a calendar-day limit can only be reported when it is surely exceeded.
        private void CheckStepsFit(decimal hours, TimeLimit? limit, string path, string whose)
        {
            if (limit is null || limit.Value < 0 || !IsCountable(limit) || hours <= limit.ToWorkingHours(context.HoursPerWorkingDay))
            {
                return;
            }

            var days = hours / context.HoursPerWorkingDay;
            Add(path, ProblemCodes.StepTimesExceedCommittedLimit,
                Invariant($"Steps on the longest path take {days:0.##} working days ({hours:0.##} h), more than {whose} {limit}; shorten the steps' allotted times or run some of them in parallel."));
        }

        // ---- Helpers -----------------------------------------------------------------------------------

        private void CheckLength(string? text, string path, int maxLength, string what)
        {
            if (text is { Length: var length } && length > maxLength)
            {
                Add(path, ProblemCodes.InvalidValue, Invariant($"{what} has {length} characters; at most {maxLength} fit. Shorten it."));
            }
        }

        private List<int> Where(Func<Node, bool> predicate)
        {
            var result = new List<int>();
            for (var i = 0; i < graph.Count; i++)
            {
                if (graph.InGraph[i] && predicate(graph.Nodes[i]!))
                {
                    result.Add(i);
                }
            }

            return result;
        }

        private string Names(List<int> component)
        {
            const int Shown = 8;
            var names = component.Take(Shown).Select(i => Describe(graph.Nodes[i]!)).ToList();
            if (component.Count > Shown)
            {
                names.Add(Invariant($"{component.Count - Shown} more"));
            }

            return string.Join(", ", names[..^1]) + " and " + names[^1];
        }

        private static string Describe(Node node) => string.IsNullOrWhiteSpace(node.Name)
            ? $"{node.Kind} \"{node.Id}\""
            : $"{node.Kind} \"{node.Id}\" ({node.Name})";

        private static string NodePath(int index) => Invariant($"$.flowchart.nodes[{index}]");

        private static string ConnectionPath(int index) => Invariant($"$.flowchart.connections[{index}]");

        private static string ChannelPath(Channel channel) => "$.channelTimeLimits." + JsonNamingPolicy.CamelCase.ConvertName(channel.ToString());

        private static string ChannelName(Channel channel) => channel switch
        {
            Channel.InPerson => "in-person",
            Channel.Postal => "postal",
            Channel.Online => "online",
            _ => channel.ToString(),
        };

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
