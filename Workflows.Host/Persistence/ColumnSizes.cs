using Workflows.Engine.Definitions;

namespace Workflows.Host.Persistence;

/// <summary>
/// Column sizes that requests are checked against before anything is written: <see cref="WorkflowsDbContext"/>
/// declares its columns with these constants, so a check at the edge and the column cannot drift apart. Columns
/// that hold definition fields use <see cref="DefinitionLimits"/>, which the validator enforces.
/// </summary>
internal static class ColumnSizes
{
    public const int ProcedureCode = DefinitionLimits.CodeLength;
    public const int ProcedureName = DefinitionLimits.NameLength;
    public const int NodeId = DefinitionLimits.IdLength;
    public const int StepName = DefinitionLimits.NameLength;
    public const int Department = DefinitionLimits.IdLength;

    public const int PrincipalName = 128;
    public const int PrincipalDisplayName = 256;
    public const int PrincipalRoles = 256;

    /// <summary>Departments of a principal, comma-separated.</summary>
    public const int PrincipalDepartments = 2000;
    public const int WebhookUrl = 2000;

    /// <summary>Identity's v3 hash is 84 characters in Base64; room for a later format.</summary>
    public const int PasswordHash = 256;

    public const int ExternalCode = 128;
    public const int ApplicantName = 256;
    public const int ApplicantIdNumber = 32;
    public const int ApplicantPhone = 32;
    public const int ApplicantEmail = 256;
    public const int ApplicantAddress = 1000;
    public const int ReceptionPoint = 128;

    /// <summary>
    /// A note or a reason someone writes beside an action (a completion, a withdrawal, a stop, an apology letter):
    /// one limit everywhere, since the same text is journalled and printed on the forms.
    /// </summary>
    public const int Note = 2000;
}
