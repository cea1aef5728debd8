using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Tests;

/// <summary>A clock the tests move by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

    public void Advance(TimeSpan by) => Now += by;

    public void Set(DateTimeOffset to) => Now = to;
}

/// <summary>Ids 00000000-0000-0000-0000-000000000001, ...2, ... so failures read the same every run.</summary>
internal sealed class CountingIds : IIdGenerator
{
    private long next;

    public Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes[8..], Interlocked.Increment(ref next));
        bytes[8..].Reverse();
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>Small definitions written in C#, one line per node.</summary>
internal static class Flow
{
    public static ProcedureDefinition Procedure(string code, Node[] nodes, Connection[] connections, int version = 1, decimal committedDays = 30) => new()
    {
        Code = code,
        Version = version,
        Name = $"Thủ tục thử {code}",
        EffectiveFrom = new DateOnly(2026, 1, 1),
        LegalTimeLimit = TimeLimit.Days(committedDays),
        CommittedTimeLimit = TimeLimit.Days(committedDays),
        Flowchart = new Flowchart { Nodes = nodes, Connections = connections },
    };

    public static StartNode Start(string id = "start") => new() { Id = id };

    public static StepNode Step(string id, string department = "one-stop-desk", decimal days = 1, params string[] outcomes) => new()
    {
        Id = id,
        Name = $"Bước {id}",
        Department = department,
        AllottedTime = TimeLimit.Days(days),
        Outcomes = outcomes.Length == 0 ? [Outcomes.Approved] : outcomes,
    };

    public static DecisionNode Decision(string id, string expression, params string[] outcomes) => new()
    {
        Id = id,
        Expression = expression,
        Outcomes = outcomes.Length == 0 ? ["true", "false"] : outcomes,
    };

    public static EndNode End(string id = "end", EndResult result = EndResult.Issued) => new() { Id = id, Result = result };

    public static Connection C(string from, string to, string? outcome = null) => new(from, to, outcome);

    public static JsonObject Data(string json = "{}") => JsonNode.Parse(json)!.AsObject();
}
