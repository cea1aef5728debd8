using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Model;

/// <summary>One edit of the procedure: a pure function from one immutable definition to the next, with a name for undo.</summary>
public interface IEditorCommand
{
    /// <summary>What the command does, in the user's words (shown as the undo/redo tooltip).</summary>
    string Name { get; }

    /// <summary>The definition after the edit; the same instance when the edit changes nothing.</summary>
    ProcedureDefinition Apply(ProcedureDefinition definition);
}

/// <summary>
/// The editor's one model: the current <see cref="ProcedureDefinition"/> and its history. Every edit, from the table, the
/// form or the canvas, goes through <see cref="Execute"/>. The definition is immutable, so the history keeps snapshots and
/// undo/redo return exactly the earlier state (no inverse commands to get wrong).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is the undo/redo stack of commands; the name says so.")]
public sealed class CommandStack
{
    private readonly List<ProcedureDefinition> snapshots = [];
    private readonly List<string> names = [];
    private int position;
    private int savedPosition;

    public CommandStack(ProcedureDefinition initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        snapshots.Add(initial);
    }

    /// <summary>Raised after every execute, undo, redo, reset or save mark.</summary>
    public event Action? Changed;

    public ProcedureDefinition Current => snapshots[position];

    public bool CanUndo => position > 0;

    public bool CanRedo => position < snapshots.Count - 1;

    /// <summary>The name of the command undo would revert, or null.</summary>
    public string? UndoName => CanUndo ? names[position - 1] : null;

    public string? RedoName => CanRedo ? names[position] : null;

    /// <summary>Whether the current state differs from the last one saved (undoing back to it makes the editor clean again).</summary>
    public bool IsDirty => position != savedPosition;

    /// <summary>Applies <paramref name="command"/>; returns false (and records nothing) when it changes nothing.</summary>
    public bool Execute(IEditorCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var next = command.Apply(Current);
        if (ReferenceEquals(next, Current))
        {
            return false;
        }

        // A new edit after undo drops the redo branch; if the saved state was on it, nothing equals it any more.
        if (CanRedo)
        {
            snapshots.RemoveRange(position + 1, snapshots.Count - position - 1);
            names.RemoveRange(position, names.Count - position);
            if (savedPosition > position)
            {
                savedPosition = -1;
            }
        }

        snapshots.Add(next);
        names.Add(command.Name);
        position++;
        Changed?.Invoke();
        return true;
    }

    public bool Undo()
    {
        if (!CanUndo)
        {
            return false;
        }

        position--;
        Changed?.Invoke();
        return true;
    }

    public bool Redo()
    {
        if (!CanRedo)
        {
            return false;
        }

        position++;
        Changed?.Invoke();
        return true;
    }

    /// <summary>The current state is what the Host now holds.</summary>
    public void MarkSaved()
    {
        savedPosition = position;
        Changed?.Invoke();
    }
}
