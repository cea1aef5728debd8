namespace Workflows.Engine.Validation;

/// <summary>
/// One problem in a procedure definition: where it is (a JSON path such as
/// <c>$.flowchart.nodes[3].department</c>), a stable code for tools, and a message for a process designer.
/// </summary>
public sealed record ValidationProblem(string Path, string Code, string Message)
{
    public override string ToString() => $"{Path}: {Message} ({Code})";
}

/// <summary>Stable problem codes, one per kind of mistake.</summary>
public static class ProblemCodes
{
    public const string InvalidJson = "invalidJson";
    public const string UnsupportedSchemaVersion = "unsupportedSchemaVersion";
    public const string Required = "required";
    public const string InvalidValue = "invalidValue";
    public const string DuplicateId = "duplicateId";
    public const string UnknownNode = "unknownNode";
    public const string NoStart = "noStart";
    public const string MultipleStarts = "multipleStarts";
    public const string Unreachable = "unreachable";
    public const string DeadEnd = "deadEnd";
    public const string CycleWithoutExit = "cycleWithoutExit";
    public const string JoinWithoutFork = "joinWithoutFork";
    public const string OutcomeNotConnected = "outcomeNotConnected";
    public const string UnknownOutcome = "unknownOutcome";
    public const string UnknownDepartment = "unknownDepartment";
    public const string UnknownTemplate = "unknownTemplate";
    public const string UnknownProcedure = "unknownProcedure";
    public const string ExpressionDoesNotCompile = "expressionDoesNotCompile";
    public const string ExpressionExceedsLimits = "expressionExceedsLimits";
    public const string StepTimesExceedCommittedLimit = "stepTimesExceedCommittedLimit";
    public const string CommittedLimitAboveLegalLimit = "committedLimitAboveLegalLimit";
}
