using System.Text.RegularExpressions;

namespace Workflows.Engine.Definitions;

/// <summary>
/// The largest values a definition may hold: the lengths of the columns its fields are copied into (the Host's
/// tables use these constants for their column sizes) and the longest time limit the calendar maths can count.
/// The validator enforces them, so a published version can always be started, stored and counted.
/// </summary>
public static partial class DefinitionLimits
{
    /// <summary>Procedure codes (procedure_versions.code, dossiers.procedure_code, instances.definition_code).</summary>
    public const int CodeLength = 64;

    /// <summary>Procedure and step names (procedure_versions.name, tasks.step_name).</summary>
    public const int NameLength = 1000;

    /// <summary>Node ids, departments, roles, outcomes and signal names (tasks, bookmarks and journal columns).</summary>
    public const int IdLength = 128;

    /// <summary>
    /// Ten years: the longest time limit, delay or supplement deadline in days. A due date is counted session by
    /// session on a calendar whose years are data, so a limit must end within the years a calendar can describe.
    /// </summary>
    public const decimal MaxDays = 3650m;

    /// <summary>The same ten years in working hours (8 hours a working day).</summary>
    public const decimal MaxWorkingHours = MaxDays * TimeLimit.HoursPerWorkingDay;

    /// <summary>The largest value a time limit in <paramref name="unit"/> may have.</summary>
    public static decimal MaxValue(TimeUnit unit) => unit == TimeUnit.WorkingHours ? MaxWorkingHours : MaxDays;

    /// <summary>
    /// A procedure code as the national database writes it (digits and dots, e.g. 1.001193), or a local code of
    /// ASCII letters, digits, dots, hyphens and underscores starting with a letter or digit: it names URLs and files.
    /// </summary>
    public static bool IsValidCode(string? code) => code is { Length: > 0 and <= CodeLength } && CodePattern().IsMatch(code);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
