using System.Text.Json.Serialization;

namespace Workflows.Engine.Definitions;

/// <summary>
/// A node of the flowchart. Files name node kinds by logical type ("type": "Step"), never by .NET class.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(StartNode), "Start")]
[JsonDerivedType(typeof(StepNode), "Step")]
[JsonDerivedType(typeof(DecisionNode), "Decision")]
[JsonDerivedType(typeof(ForkNode), "Fork")]
[JsonDerivedType(typeof(JoinNode), "Join")]
[JsonDerivedType(typeof(WaitNode), "Wait")]
[JsonDerivedType(typeof(TimerNode), "Timer")]
[JsonDerivedType(typeof(NotifyNode), "Notify")]
[JsonDerivedType(typeof(SubProcessNode), "SubProcess")]
[JsonDerivedType(typeof(EndNode), "End")]
public abstract record Node
{
    public required string Id { get; init; }

    /// <summary>Vietnamese label shown on the diagram and the control slip.</summary>
    public string? Name { get; init; }

    public string? NameEn { get; init; }

    /// <summary>Logical type name as written in files ("type"); named Kind because "type" is the JSON discriminator.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>Ports this node may leave from; null is the default port.</summary>
    [JsonIgnore]
    public virtual IReadOnlyList<string?> Ports => DefaultPort;

    private protected static readonly IReadOnlyList<string?> DefaultPort = [null];
}

public sealed record StartNode : Node
{
    public override string Kind => "Start";
}

/// <summary>Well-known step outcomes. Procedures may name others.</summary>
public static class Outcomes
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string NeedsSupplement = "needsSupplement";

    /// <summary>
    /// Sends the dossier back. With a connection it follows it; without one it goes back to the step the
    /// dossier came from, which is what officers mean by "trả lại bước trước".
    /// </summary>
    public const string ReturnToPrevious = "returnToPrevious";
}

/// <summary>Human work done by a department (or a role within it) in an allotted time.</summary>
public sealed record StepNode : Node
{
    public override string Kind => "Step";

    /// <summary>Id of the responsible department (see definitions/departments.json).</summary>
    public required string Department { get; init; }

    /// <summary>Role within the department, e.g. "leader", "specialist".</summary>
    public string? Role { get; init; }

    public required TimeLimit AllottedTime { get; init; }

    /// <summary>Named outcomes the officer chooses from when completing the task.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [Definitions.Outcomes.Approved];

    /// <inheritdoc cref="DecisionNode.OutcomeNames"/>
    public IReadOnlyDictionary<string, string>? OutcomeNames { get; init; }

    /// <inheritdoc cref="DecisionNode.OutcomeNamesEn"/>
    public IReadOnlyDictionary<string, string>? OutcomeNamesEn { get; init; }

    /// <summary>Departments the task may be forwarded to without leaving the step.</summary>
    public IReadOnlyList<string> ForwardTo { get; init; } = [];

    /// <summary>Forms or outputs the step produces (e.g. "02", "04").</summary>
    public IReadOnlyList<string> Forms { get; init; } = [];

    [JsonIgnore]
    public override IReadOnlyList<string?> Ports => [.. Outcomes];
}

/// <summary>
/// Routes by a sandboxed JavaScript expression over the dossier data (<c>data</c>). The expression yields
/// an outcome name, or a boolean meaning "true"/"false".
/// </summary>
public sealed record DecisionNode : Node
{
    public override string Kind => "Decision";

    public required string Expression { get; init; }

    public IReadOnlyList<string> Outcomes { get; init; } = ["true", "false"];

    /// <summary>
    /// What the process designer calls each outcome, in Vietnamese, by outcome id ("inspection" → "Trên 250 m²: kiểm tra
    /// hiện trạng"): the label of the branch on the diagram and in the process table. Execution routes by the id only; an
    /// outcome without a name is shown by its id. Null (not written) when no outcome has one, so files without names keep
    /// their content hash.
    /// </summary>
    public IReadOnlyDictionary<string, string>? OutcomeNames { get; init; }

    /// <summary>The English names of the outcomes, by outcome id (shown when the Designer is in English).</summary>
    public IReadOnlyDictionary<string, string>? OutcomeNamesEn { get; init; }

    [JsonIgnore]
    public override IReadOnlyList<string?> Ports => [.. Outcomes];
}

/// <summary>Starts every outgoing branch in parallel (e.g. consulting other agencies).</summary>
public sealed record ForkNode : Node
{
    public override string Kind => "Fork";
}

public enum JoinMode
{
    /// <summary>AND-join: waits for every branch of the matching fork that was activated and can still arrive.</summary>
    All,
    /// <summary>XOR merge: the first branch passes; the fork's other branches are cancelled.</summary>
    Any,
}

public sealed record JoinNode : Node
{
    public override string Kind => "Join";

    public JoinMode Mode { get; init; } = JoinMode.All;
}

/// <summary>Waits for an external signal such as "taxPaid" from a sector system.</summary>
public sealed record WaitNode : Node
{
    public override string Kind => "Wait";

    public required string Signal { get; init; }

    /// <summary>Whether the dossier's clock stops while waiting (e.g. financial obligation).</summary>
    public bool PausesClock { get; init; }
}

public sealed record TimerNode : Node
{
    public override string Kind => "Timer";

    public required TimeLimit Delay { get; init; }
}

public sealed record NotifyNode : Node
{
    public override string Kind => "Notify";

    /// <summary>Template id: a file name under definitions/templates without extension.</summary>
    public required string Template { get; init; }

    /// <summary>sms, email, or webhook.</summary>
    public required string Channel { get; init; }

    /// <summary>Who receives it: "applicant", or a department id.</summary>
    public string Recipient { get; init; } = "applicant";
}

/// <summary>Runs another procedure (inter-agency "liên thông") and continues when it ends.</summary>
public sealed record SubProcessNode : Node
{
    public override string Kind => "SubProcess";

    /// <summary>Code of the procedure to run; the version in force on the day it starts is used.</summary>
    public required string Procedure { get; init; }
}

public enum EndResult
{
    Issued,
    Refused,
    Withdrawn,
    Stopped,
}

public sealed record EndNode : Node
{
    public override string Kind => "End";

    public EndResult Result { get; init; } = EndResult.Issued;

    [JsonIgnore]
    public override IReadOnlyList<string?> Ports => [];
}
