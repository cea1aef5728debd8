namespace Workflows.Workload;

/// <summary>How the dossier's path ends.</summary>
public enum DossierFate
{
    /// <summary>Every step approves; the result is returned.</summary>
    Resolved,

    /// <summary>A step refuses it (form 03).</summary>
    Refused,

    /// <summary>The applicant withdraws it (status withdrawn).</summary>
    Withdrawn,
}

/// <summary>
/// One dossier of the workload: when and how it arrives, and what happens to it. <see cref="StepDurations"/> are
/// the working-time factors of its steps in order (1.0 = exactly the allotted time; above 1 is late), drawn for the
/// longest path; a replay uses as many as the procedure's path has steps and wraps around for longer ones.
/// </summary>
public sealed record GeneratedDossier(
    int Number,
    string ProcedureCode,
    string Channel,
    string ReceptionPoint,
    string? ReturnPoint,
    DateTimeOffset ReceivedAt,
    DossierFate Fate,
    bool SupplementRequested,
    bool SupplementAnswered,
    bool ReturnedToEarlierStep,
    bool TaxPayment,
    IReadOnlyList<double> StepDurations)
{
    /// <summary>Channel names as the intake API spells them.</summary>
    public const string InPerson = "inPerson";

    public const string Online = "online";

    public const string Postal = "postal";
}
