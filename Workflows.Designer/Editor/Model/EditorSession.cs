using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Designer.Editor.Model;

/// <summary>
/// The open procedure: its command stack, and what follows from the current definition after every command (the
/// validator's problems mapped to their targets, the longest path). Views render from it and send it commands.
/// </summary>
public sealed class EditorSession
{
    private ValidationContext context;

    public EditorSession(ProcedureDefinition definition, JsonObject? original, ValidationContext? context = null)
    {
        Stack = new CommandStack(definition);
        Original = original;
        this.context = context ?? new ValidationContext();
        Stack.Changed += Refresh;
        Refresh();
    }

    public CommandStack Stack { get; }

    public ProcedureDefinition Definition => Stack.Current;

    /// <summary>The file the definition was loaded from (its shape is kept when saving), or null for a new procedure.</summary>
    public JsonObject? Original { get; private set; }

    public IReadOnlyList<EditorProblem> Problems { get; private set; } = [];

    /// <summary>Working hours on the longest Start→End path, a working day being the context's (the calendar's) day.</summary>
    public decimal LongestPathHours { get; private set; }

    public decimal HoursPerWorkingDay => context.HoursPerWorkingDay;

    /// <summary>Raised after the definition or what follows from it changed.</summary>
    public event Action? Changed;

    public bool Execute(IEditorCommand command) => Stack.Execute(command);

    /// <summary>The calendar's day or the department list became known: problems and time are counted again.</summary>
    public void UseContext(ValidationContext validationContext)
    {
        context = validationContext;
        Refresh();
    }

    /// <summary>The definition as the procedure file to send (shaped like the file it came from).</summary>
    public string ToJson() => DefinitionWriter.Write(Definition, Original);

    /// <summary>The Host now holds the current definition (as <paramref name="stored"/>, when it answered with it).</summary>
    public void MarkSaved(JsonObject? stored = null)
    {
        Original = stored ?? Original;
        Stack.MarkSaved();
    }

    public IEnumerable<EditorProblem> ProblemsOfNode(string nodeId, string? field = null) =>
        Problems.Where(p => p.Target.NodeId == nodeId && (field is null || p.Target.NodeField == field));

    public IEnumerable<EditorProblem> ProblemsOfField(string field) =>
        Problems.Where(p => string.Equals(p.Target.MetadataField, field, StringComparison.Ordinal));

    private void Refresh()
    {
        Problems = ProblemTargets.Map(Definition, DefinitionValidator.Validate(Definition, context));
        LongestPathHours = FlowchartAnalysis.LongestPathWorkingHours(Definition, context.HoursPerWorkingDay);
        Changed?.Invoke();
    }
}
