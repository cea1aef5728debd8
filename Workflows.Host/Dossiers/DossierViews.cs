using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>What an intake system sees of its dossier.</summary>
internal sealed record IntakeDossierDto(
    string DossierCode,
    string ExternalCode,
    string ProcedureCode,
    int ProcedureVersion,
    DateTimeOffset ReceivedAt,
    DateTimeOffset AppointmentDate,
    DateTimeOffset OriginalAppointmentDate,
    int Status,
    string StatusName,
    string StatusNameEn,
    string? Result,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ResultReturnedAt)
{
    /// <summary>Instants are shown at the centre's offset (UTC+7), as printed on receipts.</summary>
    public static IntakeDossierDto From(DossierRow row, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.Code, row.ExternalCode, row.ProcedureCode, row.ProcedureVersion,
            row.ReceivedAt.ToOffset(offset), row.DueAt.ToOffset(offset), row.OriginalDueAt.ToOffset(offset),
            row.Status, DossierStatus.Name(row.Status), DossierStatus.NameEn(row.Status), row.Result,
            row.CompletedAt?.ToOffset(offset), row.ResultReturnedAt?.ToOffset(offset));
    }
}
