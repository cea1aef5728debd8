using Workflows.Engine.Definitions;
using Workflows.Host.Dossiers;

namespace Workflows.Host.Documents;

// The models the form templates are rendered with. DocumentRenderer serialises them to camelCase JSON, so a
// template reads {{dossier.code}}, {{dossier.applicant.name}}, {{issuedAt}}. Every form model starts with the
// agency, the dossier and the moment the form is printed; a new form adds a record here and a template in
// definitions/templates/forms.

/// <summary>Who issues the form: the heading left of the national heading, and the place of the date line.</summary>
internal sealed record DocumentAgency(string GoverningBody, string Name, string? Place);

internal sealed record DocumentApplicant(string Name, string? IdNumber, string? Address, string? Phone, string? Email);

/// <summary>The dossier as every form prints it.</summary>
internal sealed record DocumentDossier(
    string Code,
    string ExternalCode,
    DocumentApplicant Applicant,
    string ProcedureCode,
    string ProcedureName,
    string? CompetentBody,
    string Channel,
    string ChannelName,
    string ReceptionPoint,
    string ReceptionPointName,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset OriginalDueAt,
    int Status,
    string StatusName)
{
    /// <summary>Nơi trả kết quả: the return point, else the receiving point; printed with its address.</summary>
    public PlaceDto? ReturnPoint { get; init; }
}

/// <summary>A document received with the dossier (thành phần hồ sơ).</summary>
internal sealed record ReceivedDocument(int Number, string Name, int Originals, int Copies);

internal sealed record DocumentFee(decimal Amount, string? Note);

/// <summary>
/// Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. It prints what was promised at receipt: <see cref="IssuedAt"/>
/// is the receipt's date and the dossier's due time the first appointment, also on a reprint; a moved appointment is
/// <see cref="NewDueAt"/>, printed beside it.
/// </summary>
internal sealed record ReceiptModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    DateTimeOffset? NewDueAt,
    IReadOnlyList<ReceivedDocument> Documents,
    TimeLimit? CommittedTimeLimit,
    DocumentFee? Fee,
    string QrPayload,
    string? ReceivedBy);

/// <summary>Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.</summary>
internal sealed record SupplementRequestModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    DateTimeOffset RequestedAt,
    string? StepName,
    string? Department,
    string? RequestedBy,
    string? Reason,
    TimeLimit? DeadlineLimit,
    DateTimeOffset? Deadline,
    SupplementClockPolicy ClockPolicy,
    string ClockRule);

/// <summary>Form 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ.</summary>
internal sealed record RefusalModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    DateTimeOffset RefusedAt,
    string? StepName,
    string? Department,
    string? RefusedBy,
    string? Reason);

/// <summary>Form 05: Thông báo về việc dừng xử lý hồ sơ (stopped, or withdrawn by the applicant).</summary>
internal sealed record StopNoticeModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    DateTimeOffset StoppedAt,
    string Result,
    bool Withdrawn,
    string? StoppedBy,
    string? Reason);

/// <summary>One handover of the control slip (the Dossier API's timeline handover, formatted for print).</summary>
internal sealed record ControlSlipRow(
    int Number,
    string? StepName,
    string GivingUnit,
    string ReceivingUnit,
    DateTimeOffset HandedOverAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? DueAt,
    string? CompletedBy,
    TimeLimit? AllottedTime,
    decimal ActualWorkingHours,
    decimal ActualWorkingDays,
    string State,
    string Sla,
    string ResultName,
    string? Note)
{
    /// <summary>step, supplement (with the applicant) or resultReturned.</summary>
    public string Kind { get; init; } = "step";

    /// <summary>After parallel branches: every branch's unit and handover time; null when one unit handed over.</summary>
    public IReadOnlyList<ControlSlipGiver>? Givers { get; init; }
}

/// <summary>One branch handing the dossier over to the step after a join.</summary>
internal sealed record ControlSlipGiver(string Name, DateTimeOffset HandedOverAt);

/// <summary>Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ.</summary>
internal sealed record ControlSlipModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    IReadOnlyList<ControlSlipRow> Handovers);
