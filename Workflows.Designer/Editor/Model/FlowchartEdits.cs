using Workflows.Designer.Editor.Diagram;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Model;

/// <summary>
/// The editor's commands. Each <see cref="IEditorCommand.Name"/> is a key the page localizes (<c>Command.AddStep</c>, ...).
/// Every command returns the same instance when it changes nothing, so the history only records real edits.
/// </summary>
public static class EditorCommands
{
    /// <summary>The node kinds of the engine, in palette order.</summary>
    public static IReadOnlyList<string> NodeKinds { get; } = ["Start", "Step", "Decision", "Fork", "Join", "Wait", "Timer", "Notify", "SubProcess", "End"];

    // ---- Steps (the process table) ------------------------------------------------------------------

    /// <summary>
    /// A new step after the row <paramref name="afterNodeId"/> (first when null), in <paramref name="department"/>. When that
    /// row leaves by its first outcome to exactly one node (a simple sequence), the new step is put between them, as a row
    /// inserted in the table means; otherwise it is left unconnected and the validator says so.
    /// </summary>
    public static IEditorCommand AddStep(string? afterNodeId, string department, string? newId = null) => new EditCommand("AddStep", definition =>
    {
        var nodes = definition.Flowchart.Nodes.ToList();
        var after = afterNodeId is null ? -1 : nodes.FindIndex(n => n.Id == afterNodeId);
        var row = after < 0 ? 1 : nodes.Take(after + 1).Count(n => n is StepNode) + 1;
        var id = newId ?? NewStepId(definition, row);
        var step = new StepNode { Id = id, Department = department, AllottedTime = TimeLimit.Days(1), Outcomes = [Outcomes.Approved] };
        if (after < 0)
        {
            var firstStep = nodes.FindIndex(n => n is StepNode);
            nodes.Insert(firstStep < 0 ? nodes.Count : firstStep, step);
        }
        else
        {
            nodes.Insert(after + 1, step);
        }

        var result = WithFlowchart(definition, nodes, definition.Flowchart.Connections);
        return afterNodeId is null ? result : InsertAfter(result, afterNodeId, id);
    });

    /// <summary>Removes nodes with every connection to or from them and their layout positions.</summary>
    public static IEditorCommand RemoveNodes(IReadOnlyCollection<string> nodeIds) => new EditCommand("RemoveNode", definition =>
    {
        var ids = nodeIds.ToHashSet(StringComparer.Ordinal);
        if (!definition.Flowchart.Nodes.Any(n => ids.Contains(n.Id)))
        {
            return definition;
        }

        var result = WithFlowchart(definition,
            [.. definition.Flowchart.Nodes.Where(n => !ids.Contains(n.Id))],
            [.. definition.Flowchart.Connections.Where(c => !ids.Contains(c.From) && !ids.Contains(c.To))]);
        return result.Layout is null ? result : result with { Layout = result.Layout.WithoutUnknownNodes(result.Flowchart) };
    });

    /// <summary>
    /// Moves the step row <paramref name="nodeId"/> to row <paramref name="newRow"/> (0-based among steps). When the step is
    /// in a simple sequence (one connection in, its first outcome to one node) it is taken out of the flow (its predecessor
    /// then leads to its successor) and put back in at its new row, so the flow follows the table. Otherwise (a step with
    /// several ways in, or at a branch) only the row order changes and its connections stay as they are: rewiring a branch
    /// by guess would change what the procedure does.
    /// </summary>
    public static IEditorCommand MoveStep(string nodeId, int newRow) => new EditCommand("MoveStep", definition =>
    {
        var steps = definition.Flowchart.Nodes.OfType<StepNode>().ToList();
        var oldRow = steps.FindIndex(s => s.Id == nodeId);
        if (oldRow < 0 || newRow < 0 || newRow >= steps.Count || newRow == oldRow)
        {
            return definition;
        }

        var moving = steps[oldRow];
        var target = steps[newRow];
        var nodes = definition.Flowchart.Nodes.ToList();
        nodes.Remove(moving);
        var targetIndex = nodes.IndexOf(target);
        nodes.Insert(newRow > oldRow ? targetIndex + 1 : targetIndex, moving);
        var reordered = WithFlowchart(definition, nodes, definition.Flowchart.Connections);

        if (TakeOut(reordered, nodeId) is not { } takenOut)
        {
            return reordered;
        }

        return newRow > oldRow
            ? InsertAfter(takenOut, target.Id, nodeId) is var after && !ReferenceEquals(after, takenOut) ? after : reordered
            : InsertBefore(takenOut, target.Id, nodeId) is var before && !ReferenceEquals(before, takenOut) ? before : reordered;
    });

    public static IEditorCommand RenameNode(string nodeId, string? name) =>
        EditNode("EditName", nodeId, node => node with { Name = Blank(name) });

    public static IEditorCommand SetDepartment(string nodeId, string department) =>
        EditStep("EditDepartment", nodeId, step => step with { Department = department });

    public static IEditorCommand SetRole(string nodeId, string? role) =>
        EditStep("EditRole", nodeId, step => step with { Role = Blank(role) });

    public static IEditorCommand SetAllottedTime(string nodeId, TimeLimit time) =>
        EditStep("EditTime", nodeId, step => step with { AllottedTime = time });

    /// <summary>Sets a step's forms/outputs (e.g. "01", "02").</summary>
    public static IEditorCommand SetForms(string nodeId, IReadOnlyList<string> forms) =>
        EditStep("EditForms", nodeId, step => step with { Forms = [.. forms.Select(f => f.Trim()).Where(f => f.Length > 0)] });

    /// <summary>
    /// Sets a step's or decision's outcomes. Connections leaving by an outcome that no longer exists go with it (undo brings
    /// them back); a connection to nowhere would only be a validation problem to fix by hand.
    /// </summary>
    public static IEditorCommand SetOutcomes(string nodeId, IReadOnlyList<string> outcomes) => new EditCommand("EditOutcomes", definition =>
    {
        var list = outcomes.Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var changed = Replace(definition, nodeId, node => node switch
        {
            // An outcome taken away takes its name with it (undo brings both back).
            StepNode step when !step.Outcomes.SequenceEqual(list) => step with
            {
                Outcomes = list, OutcomeNames = OutcomeNames.Keep(step.OutcomeNames, list), OutcomeNamesEn = OutcomeNames.Keep(step.OutcomeNamesEn, list),
            },
            DecisionNode decision when !decision.Outcomes.SequenceEqual(list) => decision with
            {
                Outcomes = list, OutcomeNames = OutcomeNames.Keep(decision.OutcomeNames, list), OutcomeNamesEn = OutcomeNames.Keep(decision.OutcomeNamesEn, list),
            },
            _ => node,
        });
        if (ReferenceEquals(changed, definition))
        {
            return definition;
        }

        return WithFlowchart(changed, changed.Flowchart.Nodes,
            [.. changed.Flowchart.Connections.Where(c => c.From != nodeId || c.Outcome is null || list.Contains(c.Outcome))]);
    });

    /// <summary>Any other edit of one node (decision expression, wait signal, timer delay, notification...).</summary>
    public static IEditorCommand EditNode(string name, string nodeId, Func<Node, Node> change) =>
        new EditCommand(name, definition => Replace(definition, nodeId, change));

    public static IEditorCommand EditStep(string name, string nodeId, Func<StepNode, StepNode> change) =>
        EditNode(name, nodeId, node => node is StepNode step ? change(step) : node);

    // ---- Diagram (the canvas's intents) -----------------------------------------------------------------

    /// <summary>A node of <paramref name="kind"/> dropped at (x, y) in <paramref name="lane"/>; a step belongs to that lane's department.</summary>
    public static IEditorCommand AddNode(string kind, double x, double y, string lane, string? newId = null) => new EditCommand("AddNode", definition =>
    {
        if (!NodeKinds.Contains(kind, StringComparer.Ordinal))
        {
            return definition;
        }

        var id = newId ?? (kind == "Step"
            ? NewStepId(definition, definition.Flowchart.Nodes.Count(n => n is StepNode) + 1)
            : NewId(definition, char.ToLowerInvariant(kind[0]) + kind[1..]));
        Node node = kind switch
        {
            "Start" => new StartNode { Id = id },
            "Step" => new StepNode { Id = id, Department = lane, AllottedTime = TimeLimit.Days(1) },
            "Decision" => new DecisionNode { Id = id, Expression = "" },
            "Fork" => new ForkNode { Id = id },
            "Join" => new JoinNode { Id = id },
            "Wait" => new WaitNode { Id = id, Signal = "" },
            "Timer" => new TimerNode { Id = id, Delay = TimeLimit.Days(1) },
            "Notify" => new NotifyNode { Id = id, Template = "", Channel = "sms" },
            "SubProcess" => new SubProcessNode { Id = id, Procedure = "" },
            _ => new EndNode { Id = id },
        };
        var added = WithFlowchart(definition, [.. definition.Flowchart.Nodes, node], definition.Flowchart.Connections);
        return WithPosition(added, id, x, y);
    });

    /// <summary>
    /// A connection from <paramref name="source"/>'s port to <paramref name="target"/>. An outcome leads to one node, so a
    /// new connection from a step's or decision's outcome replaces the one it had; a fork may start many branches.
    /// </summary>
    public static IEditorCommand Connect(string source, string sourcePort, string target) => new EditCommand("Connect", definition =>
    {
        var outcome = sourcePort == EdgeIds.DefaultPort ? null : sourcePort;
        var connection = new Connection(source, target, outcome);
        var nodes = definition.Flowchart.Nodes;
        if (!nodes.Any(n => n.Id == source) || !nodes.Any(n => n.Id == target) || definition.Flowchart.Connections.Contains(connection))
        {
            return definition;
        }

        var from = nodes.First(n => n.Id == source);
        var singleTarget = from is StepNode or DecisionNode && outcome is not null;
        var kept = definition.Flowchart.Connections.Where(c => !(singleTarget && c.From == source && c.Outcome == outcome));
        return WithFlowchart(definition, nodes, [.. kept, connection]);
    });

    /// <summary>Removes connections by their edge ids (<see cref="EdgeIds"/>).</summary>
    public static IEditorCommand Disconnect(IReadOnlyCollection<string> edgeIds) => new EditCommand("Disconnect", definition =>
    {
        var ids = edgeIds.ToHashSet(StringComparer.Ordinal);
        var kept = definition.Flowchart.Connections.Where(c => !ids.Contains(EdgeIds.Of(c))).ToList();
        return kept.Count == definition.Flowchart.Connections.Count ? definition : WithFlowchart(definition, definition.Flowchart.Nodes, kept);
    });

    /// <summary>Delete on a canvas selection: the edges, then the nodes (with their remaining connections), as one undo step.</summary>
    public static IEditorCommand RemoveElements(IReadOnlyCollection<string> nodeIds, IReadOnlyCollection<string> edgeIds) =>
        new CompositeCommand("RemoveElements", [Disconnect(edgeIds), RemoveNodes(nodeIds)]);

    /// <summary>A node dropped at a new position (the layout section).</summary>
    public static IEditorCommand MoveNode(string nodeId, double x, double y) => new EditCommand("MoveNode", definition =>
        definition.Flowchart.Nodes.Any(n => n.Id == nodeId) ? WithPosition(definition, nodeId, x, y) : definition);

    /// <summary>Copies of <paramref name="nodeIds"/> with new ids, the connections among them, offset on the diagram.</summary>
    public static IEditorCommand Paste(IReadOnlyList<string> nodeIds, double offsetX, double offsetY) => new EditCommand("Paste", definition =>
    {
        var originals = definition.Flowchart.Nodes.Where(n => nodeIds.Contains(n.Id)).ToList();
        if (originals.Count == 0)
        {
            return definition;
        }

        var result = definition;
        var newIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in originals)
        {
            var id = NewId(result, node.Id + "-copy");
            newIds[node.Id] = id;
            result = WithFlowchart(result, [.. result.Flowchart.Nodes, node with { Id = id }], result.Flowchart.Connections);
            if (definition.Layout?.Nodes.TryGetValue(node.Id, out var at) == true)
            {
                result = WithPosition(result, id, at.X + offsetX, at.Y + offsetY);
            }
        }

        var copies = definition.Flowchart.Connections
            .Where(c => newIds.ContainsKey(c.From) && newIds.ContainsKey(c.To))
            .Select(c => c with { From = newIds[c.From], To = newIds[c.To] });
        return WithFlowchart(result, result.Flowchart.Nodes, [.. result.Flowchart.Connections, .. copies]);
    });

    // ---- Metadata (the form) ------------------------------------------------------------------------

    /// <summary>An edit of the procedure's metadata; <paramref name="field"/> names it (<c>Command.Edit.committedTimeLimit</c>).</summary>
    public static IEditorCommand EditMetadata(string field, Func<ProcedureDefinition, ProcedureDefinition> change) =>
        new EditCommand("EditMetadata", definition =>
        {
            // A record holding lists compares them by reference: the file says whether the edit changed anything.
            var changed = change(definition);
            return ReferenceEquals(changed, definition) || DefinitionJson.Serialize(changed) == DefinitionJson.Serialize(definition) ? definition : changed;
        });

    // ---- Helpers ------------------------------------------------------------------------------------

    /// <summary>
    /// The id of a new step: <c>buoc-N</c> from the row it takes (the step number the designer sees), or the next free
    /// number when that one is taken. It is fixed when the step is created and never follows later renumbering: ids are
    /// what a migration maps running dossiers by, so an id that exists in a published version must not change.
    /// </summary>
    public static string NewStepId(ProcedureDefinition definition, int row)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var used = definition.Flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        for (var n = Math.Max(1, row); ; n++)
        {
            var id = FormattableString.Invariant($"buoc-{n}");
            if (!used.Contains(id))
            {
                return id;
            }
        }
    }

    /// <summary>An id not used in the flowchart: <paramref name="stem"/>, then stem2, stem3...</summary>
    public static string NewId(ProcedureDefinition definition, string stem)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var used = definition.Flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        if (!used.Contains(stem))
        {
            return stem;
        }

        for (var n = 2; ; n++)
        {
            var id = FormattableString.Invariant($"{stem}{n}");
            if (!used.Contains(id))
            {
                return id;
            }
        }
    }

    private static string? FirstOutcome(StepNode? step) => step is { Outcomes.Count: > 0 } ? step.Outcomes[0] : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static ProcedureDefinition Replace(ProcedureDefinition definition, string nodeId, Func<Node, Node> change)
    {
        var nodes = definition.Flowchart.Nodes.ToList();
        var index = nodes.FindIndex(n => n.Id == nodeId);
        if (index < 0)
        {
            return definition;
        }

        var changed = change(nodes[index]);
        if (ReferenceEquals(changed, nodes[index]) || Same(changed, nodes[index]))
        {
            return definition;
        }

        nodes[index] = changed;
        return WithFlowchart(definition, nodes, definition.Flowchart.Connections);
    }

    // Records holding lists compare lists by reference; the JSON says whether an edit changed anything.
    private static bool Same(Node a, Node b) =>
        DefinitionJson.Serialize(Wrap(a)) == DefinitionJson.Serialize(Wrap(b));

    private static ProcedureDefinition Wrap(Node node) => new()
    {
        Code = "x", Name = "x", LegalTimeLimit = TimeLimit.Zero, CommittedTimeLimit = TimeLimit.Zero, Flowchart = new Flowchart { Nodes = [node] },
    };

    private static ProcedureDefinition WithFlowchart(ProcedureDefinition definition, IReadOnlyList<Node> nodes, IReadOnlyList<Connection> connections) =>
        definition with { Flowchart = definition.Flowchart with { Nodes = nodes, Connections = connections } };

    private static ProcedureDefinition WithPosition(ProcedureDefinition definition, string nodeId, double x, double y)
    {
        var layout = definition.Layout ?? new DefinitionLayout();
        if (layout.Nodes.TryGetValue(nodeId, out var at) && at == new NodePosition(x, y))
        {
            return definition;
        }

        var positions = new Dictionary<string, NodePosition>(layout.Nodes, StringComparer.Ordinal) { [nodeId] = new NodePosition(x, y) };
        return definition with { Layout = layout with { Nodes = positions } };
    }

    // The connection by which a step moves on in a sequence: its first outcome (usually "approved").
    private static Connection? Forward(ProcedureDefinition definition, string nodeId)
    {
        var node = definition.Flowchart.Nodes.FirstOrDefault(n => n.Id == nodeId);
        var port = node is StepNode { Outcomes.Count: > 0 } step ? step.Outcomes[0] : null;
        if (node is not StepNode || port is null)
        {
            return null;
        }

        var leaving = definition.Flowchart.Connections.Where(c => c.From == nodeId && c.Outcome == port).ToList();
        return leaving.Count == 1 ? leaving[0] : null;
    }

    // Puts the unconnected step `newId` between `afterId` and where afterId's forward connection led.
    private static ProcedureDefinition InsertAfter(ProcedureDefinition definition, string afterId, string newId)
    {
        var forward = Forward(definition, afterId);
        var step = definition.Flowchart.Nodes.OfType<StepNode>().FirstOrDefault(n => n.Id == newId);
        if (forward is null || FirstOutcome(step) is not { } port)
        {
            return definition;
        }

        var connections = definition.Flowchart.Connections.Select(c => c == forward ? c with { To = newId } : c).ToList();
        connections.Add(new Connection(newId, forward.To, port));
        return WithFlowchart(definition, definition.Flowchart.Nodes, connections);
    }

    // Puts the unconnected step `newId` between the one node leading into `beforeId` and beforeId.
    private static ProcedureDefinition InsertBefore(ProcedureDefinition definition, string beforeId, string newId)
    {
        var incoming = definition.Flowchart.Connections.Where(c => c.To == beforeId).ToList();
        var step = definition.Flowchart.Nodes.OfType<StepNode>().FirstOrDefault(n => n.Id == newId);
        if (incoming.Count != 1 || FirstOutcome(step) is not { } port)
        {
            return definition;
        }

        var connections = definition.Flowchart.Connections.Select(c => c == incoming[0] ? c with { To = newId } : c).ToList();
        connections.Add(new Connection(newId, beforeId, port));
        return WithFlowchart(definition, definition.Flowchart.Nodes, connections);
    }

    // Takes a step out of a simple sequence (one way in, its forward outcome to one node, no other connection leaving
    // it), so its predecessor leads straight to its successor; null when it is not in one.
    private static ProcedureDefinition? TakeOut(ProcedureDefinition definition, string nodeId)
    {
        var incoming = definition.Flowchart.Connections.Where(c => c.To == nodeId).ToList();
        var forward = Forward(definition, nodeId);
        var leaving = definition.Flowchart.Connections.Count(c => c.From == nodeId);
        if (incoming.Count != 1 || forward is null || leaving != 1 || incoming[0].From == nodeId)
        {
            return null;
        }

        var connections = definition.Flowchart.Connections
            .Where(c => c != forward)
            .Select(c => c == incoming[0] ? c with { To = forward.To } : c)
            .ToList();
        return WithFlowchart(definition, definition.Flowchart.Nodes, connections);
    }
}
