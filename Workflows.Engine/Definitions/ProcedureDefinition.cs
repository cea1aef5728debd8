using System.Text.Json.Serialization;

namespace Workflows.Engine.Definitions;

/// <summary>
/// One version of an administrative procedure (thủ tục hành chính) and its internal process as a flowchart.
/// A published version is immutable: every collection is read-only and instances stay pinned to it.
/// </summary>
public sealed record ProcedureDefinition
{
    /// <summary>
    /// Path or URL of the JSON schema ("$schema"), written so editors offer completion. The engine ignores it.
    /// </summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>Version of the file format, not of the procedure.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>National procedure code, e.g. "1.001193".</summary>
    public required string Code { get; init; }

    public int Version { get; init; } = 1;

    /// <summary>A dossier keeps the version in force on the day it was received.</summary>
    public DateOnly EffectiveFrom { get; init; }

    /// <summary>Vietnamese name, as published.</summary>
    public required string Name { get; init; }

    public string? NameEn { get; init; }

    /// <summary>Lĩnh vực.</summary>
    public string? Field { get; init; }

    /// <summary>Cơ quan có thẩm quyền.</summary>
    public string? CompetentBody { get; init; }

    public IReadOnlyList<Channel> Channels { get; init; } = [];

    public required TimeLimit LegalTimeLimit { get; init; }

    /// <summary>The locally committed limit; may be shorter than the legal one, never longer.</summary>
    public required TimeLimit CommittedTimeLimit { get; init; }

    /// <summary>Channel-specific committed limits (e.g. a shorter one for fully online dossiers).</summary>
    public IReadOnlyDictionary<Channel, TimeLimit> ChannelTimeLimits { get; init; } = new Dictionary<Channel, TimeLimit>();

    public SupplementPolicy Supplement { get; init; } = new();

    public IReadOnlyList<RequiredDocument> Documents { get; init; } = [];

    public Fee? Fee { get; init; }

    /// <summary>
    /// Where the code, legal time limit and fee were checked (a public page, a legal text), or a note that they are
    /// examples. For the people who maintain the catalogue: execution ignores it; loading, saving and exporting keep it.
    /// </summary>
    public string? Source { get; init; }

    public required Flowchart Flowchart { get; init; }

    /// <summary>
    /// Where the Designer draws the flowchart (department lanes, node positions). Execution ignores it; loading,
    /// saving and exporting keep it.
    /// </summary>
    public DefinitionLayout? Layout { get; init; }

    /// <summary>Committed limit for a channel: the channel's own limit when the procedure sets one.</summary>
    public TimeLimit CommittedLimitFor(Channel channel) =>
        ChannelTimeLimits.TryGetValue(channel, out var limit) ? limit : CommittedTimeLimit;
}

/// <summary>How a dossier reaches the centre.</summary>
public enum Channel
{
    /// <summary>Trực tiếp, at a reception point.</summary>
    InPerson,
    /// <summary>Bưu chính công ích (BCCI).</summary>
    Postal,
    /// <summary>Trực tuyến.</summary>
    Online,
}

/// <summary>What a supplement request does to the dossier's clock.</summary>
public enum SupplementClockPolicy
{
    /// <summary>Time used so far counts; the due date moves by the paused working time.</summary>
    Pause,
    /// <summary>Time counts again in full from the day the dossier is complete.</summary>
    Restart,
    /// <summary>Only the named periods (signals such as taxPaid) are excluded from the time used.</summary>
    ExcludedPeriods,
}

public sealed record SupplementPolicy
{
    public SupplementClockPolicy Clock { get; init; } = SupplementClockPolicy.Pause;

    /// <summary>How long the applicant has to supplement; past it the dossier lapses. None when null.</summary>
    public TimeLimit? Deadline { get; init; }

    /// <summary>For <see cref="SupplementClockPolicy.ExcludedPeriods"/>: the wait signals whose periods do not count.</summary>
    public IReadOnlyList<string> ExcludedSignals { get; init; } = [];
}

/// <summary>Thành phần hồ sơ.</summary>
public sealed record RequiredDocument
{
    public required string Name { get; init; }

    public int Originals { get; init; }

    public int Copies { get; init; }

    /// <summary>Form number or template the document follows, if any.</summary>
    public string? Form { get; init; }

    public bool Optional { get; init; }
}

public sealed record Fee
{
    /// <summary>Amount in VND; 0 for free procedures.</summary>
    public decimal Amount { get; init; }

    public string? Note { get; init; }
}

public sealed record Flowchart
{
    public IReadOnlyList<Node> Nodes { get; init; } = [];

    public IReadOnlyList<Connection> Connections { get; init; } = [];
}

/// <summary>
/// An arrow in the flowchart. <see cref="Outcome"/> names the port it leaves from (a step or decision
/// outcome); null is the node's default port.
/// </summary>
public sealed record Connection(string From, string To, string? Outcome = null);

/// <summary>
/// The diagram's layout: <see cref="Lanes"/> lists department ids in the order their swimlanes are drawn, and
/// <see cref="Nodes"/> the position of each node by id. Only the Designer reads it.
/// </summary>
public sealed record DefinitionLayout
{
    public IReadOnlyList<string> Lanes { get; init; } = [];

    public IReadOnlyDictionary<string, NodePosition> Nodes { get; init; } = new Dictionary<string, NodePosition>();

    /// <summary>The layout without positions of nodes the flowchart does not have (e.g. left behind by a deleted step).</summary>
    public DefinitionLayout WithoutUnknownNodes(Flowchart flowchart)
    {
        ArgumentNullException.ThrowIfNull(flowchart);
        var ids = flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        return Nodes.Keys.All(ids.Contains)
            ? this
            : this with { Nodes = Nodes.Where(n => ids.Contains(n.Key)).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal) };
    }
}

/// <summary>A node's position on the diagram, in the Designer's canvas units.</summary>
public sealed record NodePosition(double X, double Y);
