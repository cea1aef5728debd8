using Workflows.Engine.Expressions;

namespace Workflows.Engine.Runtime;

/// <summary>Engine settings with documented defaults.</summary>
public sealed class EngineOptions
{
    /// <summary>
    /// Nodes one call may execute before the instance is faulted. A flowchart that loops through decisions
    /// without ever waiting would otherwise spin forever. Default 10,000.
    /// </summary>
    public int MaxNodesPerCall { get; init; } = 10_000;

    /// <summary>Sandbox limits for decision expressions.</summary>
    public ExpressionLimits Expressions { get; init; } = ExpressionLimits.Default;

    /// <summary>Signal that resumes a dossier waiting for the applicant's supplement.</summary>
    public string SupplementSignal { get; init; } = "supplementReceived";
}
