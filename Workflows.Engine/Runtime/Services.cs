using Workflows.Engine.Definitions;

namespace Workflows.Engine.Runtime;

/// <summary>Ids come from here, never from Guid.NewGuid in engine code, so tests are deterministic.</summary>
public interface IIdGenerator
{
    Guid NewId();
}

/// <summary>Time-ordered ids (UUID v7) from the injected clock.</summary>
public sealed class SequentialIdGenerator(TimeProvider time) : IIdGenerator
{
    public Guid NewId() => Guid.CreateVersion7(time.GetUtcNow());
}

/// <summary>Turns an allowance into a due instant; the Host plugs in the working-day calendar.</summary>
public interface IDeadlineCalculator
{
    /// <summary>The instant <paramref name="limit"/> after <paramref name="start"/> (timers, the deadline to supplement).</summary>
    DateTimeOffset Add(DateTimeOffset start, TimeLimit limit);

    /// <summary>The due time of a step opened at <paramref name="opened"/>: like <see cref="Add"/>, except that a 0 allowance is same-day.</summary>
    DateTimeOffset StepDue(DateTimeOffset opened, TimeLimit allotted);

    /// <summary>
    /// The working time between two instants, in minutes, as <see cref="Add"/> counts it; used to give a step reopened
    /// after a supplement what its clock left. Null when the calculator cannot tell (the step then gets its full time).
    /// </summary>
    long? WorkingMinutesBetween(DateTimeOffset start, DateTimeOffset until);

    /// <summary><paramref name="minutes"/> of working time after <paramref name="start"/>.</summary>
    DateTimeOffset AddWorkingMinutes(DateTimeOffset start, long minutes);
}

/// <summary>Finds the procedure version a sub-process runs: the one in force on a given day.</summary>
public interface IProcedureResolver
{
    ProcedureDefinition? Resolve(string code, DateOnly onDay);
}
