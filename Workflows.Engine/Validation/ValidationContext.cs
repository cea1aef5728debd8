namespace Workflows.Engine.Validation;

/// <summary>
/// What a definition may refer to. A null set means the universe is unknown and references of that kind
/// are not checked.
/// </summary>
/// <param name="Departments">Department ids (definitions/departments.json).</param>
/// <param name="Templates">Notification template ids (file names under definitions/templates).</param>
/// <param name="Procedures">Codes of procedures a sub-process may run.</param>
/// <param name="HoursPerWorkingDay">
/// The working day of the calendar the procedure is counted on, for comparing days with hours (the longest path against
/// the limits); <see cref="Definitions.TimeLimit.HoursPerWorkingDay"/> when no calendar is known.
/// </param>
public sealed record ValidationContext(
    IReadOnlySet<string>? Departments = null,
    IReadOnlySet<string>? Templates = null,
    IReadOnlySet<string>? Procedures = null,
    decimal HoursPerWorkingDay = Definitions.TimeLimit.HoursPerWorkingDay);
