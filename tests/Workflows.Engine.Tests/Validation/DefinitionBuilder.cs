using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Validation;

/// <summary>Builds procedure definitions for tests; nodes and connections keep the order they are added in.</summary>
internal sealed class DefinitionBuilder
{
    public const string Department = "mot-cua";
    public const string OtherDepartment = "phong-ktht";
    public const string Template = "thong-bao-ket-qua";
    public const string OtherProcedure = "2.000001";

    private readonly List<Node> nodes = [];
    private readonly List<Connection> connections = [];

    public string Code { get; set; } = "1.000001";

    public string Name { get; set; } = "Cấp giấy phép thử nghiệm";

    public int Version { get; set; } = 1;

    public TimeLimit Legal { get; set; } = TimeLimit.Days(15);

    public TimeLimit Committed { get; set; } = TimeLimit.Days(15);

    public Dictionary<Channel, TimeLimit> ChannelLimits { get; } = [];

    /// <summary>The departments, templates and procedures test definitions may refer to.</summary>
    public static ValidationContext Context { get; } = new(
        Departments: new HashSet<string> { Department, OtherDepartment },
        Templates: new HashSet<string> { Template },
        Procedures: new HashSet<string> { OtherProcedure });

    /// <summary>
    /// A valid definition: start → receive (0.5 d) → review (3 d; approved, rejected, and the two outcomes the
    /// engine handles itself) → approved: decide (fee?) → true: notify → issued; false: issued; rejected: refused.
    /// </summary>
    public static DefinitionBuilder Valid() => new DefinitionBuilder()
        .Start()
        .Step("receive", 0.5m, Department, Outcomes.Approved)
        .Step("review", 3m, OtherDepartment, Outcomes.Approved, Outcomes.Rejected, Outcomes.ReturnToPrevious, Outcomes.NeedsSupplement)
        .Add(new DecisionNode { Id = "decide", Name = "Có thu phí?", Expression = "data.fee > 0" })
        .Add(new NotifyNode { Id = "notify", Name = "Báo nộp phí", Template = Template, Channel = "sms" })
        .End("issued")
        .End("refused", EndResult.Refused)
        .Connect("start", "receive")
        .Connect("receive", "review", Outcomes.Approved)
        .Connect("review", "decide", Outcomes.Approved)
        .Connect("review", "refused", Outcomes.Rejected)
        .Connect("decide", "notify", "true")
        .Connect("decide", "issued", "false")
        .Connect("notify", "issued");

    public DefinitionBuilder Add(Node node)
    {
        nodes.Add(node);
        return this;
    }

    public DefinitionBuilder Start(string id = "start") => Add(new StartNode { Id = id, Name = "Bắt đầu" });

    public DefinitionBuilder Step(string id, decimal days, string department = Department, params string[] outcomes) =>
        Add(new StepNode
        {
            Id = id,
            Name = "Bước " + id,
            Department = department,
            AllottedTime = TimeLimit.Days(days),
            Outcomes = outcomes.Length == 0 ? [Outcomes.Approved] : outcomes,
        });

    public DefinitionBuilder End(string id = "end", EndResult result = EndResult.Issued) =>
        Add(new EndNode { Id = id, Name = "Kết thúc " + id, Result = result });

    public DefinitionBuilder Connect(string from, string to, string? outcome = null)
    {
        connections.Add(new Connection(from, to, outcome));
        return this;
    }

    /// <summary>Replaces the node with the given id (e.g. <c>n => ((StepNode)n) with { Department = "" }</c>).</summary>
    public DefinitionBuilder Change(string id, Func<Node, Node> change)
    {
        var index = IndexOf(id);
        nodes[index] = change(nodes[index]);
        return this;
    }

    public DefinitionBuilder Remove(string id)
    {
        nodes.RemoveAt(IndexOf(id));
        return this;
    }

    public DefinitionBuilder Disconnect(string from, string to)
    {
        connections.RemoveAt(ConnectionIndex(from, to));
        return this;
    }

    public int IndexOf(string id) => nodes.FindIndex(node => node.Id == id) is var index and >= 0
        ? index
        : throw new ArgumentException($"No node \"{id}\".", nameof(id));

    public string NodePath(string id) => $"$.flowchart.nodes[{IndexOf(id)}]";

    public string ConnectionPath(string from, string to) => $"$.flowchart.connections[{ConnectionIndex(from, to)}]";

    private int ConnectionIndex(string from, string to) =>
        connections.FindIndex(c => c.From == from && c.To == to) is var index and >= 0
            ? index
            : throw new ArgumentException($"No connection {from} → {to}.", nameof(from));

    public ProcedureDefinition Build() => new()
    {
        Code = Code,
        Name = Name,
        Version = Version,
        LegalTimeLimit = Legal,
        CommittedTimeLimit = Committed,
        ChannelTimeLimits = new Dictionary<Channel, TimeLimit>(ChannelLimits),
        Flowchart = new Flowchart { Nodes = [.. nodes], Connections = [.. connections] },
    };
}

