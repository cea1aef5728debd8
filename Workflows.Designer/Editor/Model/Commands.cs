using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Model;

/// <summary>A command made of a name and a function: most edits are one field of one record.</summary>
public sealed class EditCommand(string name, Func<ProcedureDefinition, ProcedureDefinition> apply) : IEditorCommand
{
    public string Name { get; } = name;

    public ProcedureDefinition Apply(ProcedureDefinition definition) => apply(definition);
}

/// <summary>Replaces the whole definition (an import, or the other designer's draft after a conflict): undo brings back the previous one.</summary>
public sealed class ReplaceDefinition(string name, ProcedureDefinition replacement) : IEditorCommand
{
    public string Name { get; } = name;

    public ProcedureDefinition Apply(ProcedureDefinition definition) => replacement;
}

/// <summary>Several commands as one undo step (e.g. deleting a selection of nodes and edges).</summary>
public sealed class CompositeCommand(string name, IReadOnlyList<IEditorCommand> commands) : IEditorCommand
{
    public string Name { get; } = name;

    public ProcedureDefinition Apply(ProcedureDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return commands.Aggregate(definition, (current, command) => command.Apply(current));
    }
}
