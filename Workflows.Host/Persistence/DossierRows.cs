namespace Workflows.Host.Persistence;

/// <summary>
/// A dossier (hồ sơ) as the centre knows it: our code, the intake system's code, the applicant, where and how
/// it was received, and its status and due times. Its id is the id of the workflow instance that runs it.
/// </summary>
internal sealed class DossierRow
{
    public Guid Id { get; set; }

    /// <summary>Our code: &lt;agency&gt;-&lt;YYMMDD&gt;-&lt;daily sequence&gt;, printed on the receipt.</summary>
    public required string Code { get; set; }

    /// <summary>The intake system (principal name) that sent it; with ExternalCode, the idempotency key.</summary>
    public required string IntakeClient { get; set; }

    public required string ExternalCode { get; set; }

    /// <summary>SHA-256 of the intake request, to tell a retry (same payload) from a conflict.</summary>
    public required string PayloadHash { get; set; }

    public required string ProcedureCode { get; set; }

    public int ProcedureVersion { get; set; }

    public required string ProcedureName { get; set; }

    public required string ApplicantName { get; set; }

    public string? ApplicantIdNumber { get; set; }

    public string? ApplicantPhone { get; set; }

    public string? ApplicantEmail { get; set; }

    public string? ApplicantAddress { get; set; }

    /// <summary>inPerson, postal or online.</summary>
    public required string Channel { get; set; }

    /// <summary>Where it was received; any reception point may receive any procedure.</summary>
    public required string ReceptionPoint { get; set; }

    /// <summary>
    /// Where the applicant collects the result when it is not the receiving point (location-independent service): a
    /// code of reception-points.json; null returns it where it was received. The desk may change it until it is returned.
    /// </summary>
    public string? ReturnPoint { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>When processing time starts to count (after the cut-off rule).</summary>
    public DateTimeOffset CountingFrom { get; set; }

    /// <summary>The appointment first promised; kept for statistics when the date moves.</summary>
    public DateTimeOffset OriginalDueAt { get; set; }

    /// <summary>The current appointment.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>National status code 1-10 (see DossierStatus).</summary>
    public int Status { get; set; }

    public string? Result { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? ResultReturnedAt { get; set; }

    /// <summary>Documents received (JSON array of { name, originals, copies }).</summary>
    public required string Documents { get; set; }

    /// <summary>How many documents <see cref="Documents"/> lists, stored at intake for the digitised-share indicator.</summary>
    public int? DocumentCount { get; set; }

    /// <summary>
    /// Early (0), on time (1) or late (2) against <see cref="OriginalDueAt"/>, stored when the dossier completes so
    /// reports count it in SQL; null while unfinished.
    /// </summary>
    public int? Timeliness { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int RowVersion { get; set; }
}

/// <summary>The last daily sequence number given to an agency's dossiers.</summary>
internal sealed class DossierSequenceRow
{
    public required string Agency { get; set; }

    public DateOnly Day { get; set; }

    public int Last { get; set; }
}

/// <summary>
/// Who may call the API: an intake system or a user (designer, administrator, officer). Keys are stored only
/// as SHA-256 hashes.
/// </summary>
internal sealed class PrincipalRow
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>intakeSystem or user.</summary>
    public required string Kind { get; set; }

    /// <summary>Comma-separated: intake, designer, administrator, officer.</summary>
    public required string Roles { get; set; }

    /// <summary>Comma-separated department ids an officer works for.</summary>
    public required string Departments { get; set; }

    public required string KeyHash { get; set; }

    /// <summary>For intake systems: where status changes are pushed.</summary>
    public string? WebhookUrl { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>For users who sign in with a password: ASP.NET Core Identity's salted hash (format and iterations inside). Null: no password.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Failed password sign-ins since the last success or lockout.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>Until when password sign-in is refused after too many failures; null or past: not locked.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>
/// A signed-in session of a user: only the SHA-256 hash of its random token is stored. Deleting the row (sign-out,
/// deactivation, a password reset) ends the session at once.
/// </summary>
internal sealed class SessionRow
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
