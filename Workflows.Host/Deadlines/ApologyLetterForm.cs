using Microsoft.EntityFrameworkCore;
using Workflows.Host.Documents;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>Form 04: Thư xin lỗi và hẹn lại ngày trả kết quả.</summary>
internal sealed record ApologyLetterModel(
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt,
    Guid LetterId,
    bool Draft,
    string Reason,
    DateTimeOffset OriginalDueAt,
    DateTimeOffset NewDueAt,
    string? ConfirmedBy);

/// <summary>
/// Form 04 for the documents API (<c>/api/dossiers/{code}/documents/04</c>): the dossier's latest confirmed
/// apology letter, else its open draft; rendered by <see cref="DocumentRenderer"/> from
/// <c>definitions/templates/forms/04-thu-xin-loi.hbs</c>.
/// </summary>
internal sealed class ApologyLetterForm(WorkflowsDbContext db) : IDocumentForm
{
    public const string FormNumber = "04";

    public string Form => FormNumber;

    public string Title => "Thư xin lỗi và hẹn lại ngày trả kết quả";

    public async Task<DocumentBuild> BuildAsync(DocumentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var letters = await db.Set<ApologyLetterRow>().AsNoTracking()
            .Where(a => a.DossierId == context.Row.Id && a.State != ApologyStates.Cancelled)
            .ToListAsync(cancellationToken);
        var letter = letters.Where(a => a.State == ApologyStates.Confirmed).OrderByDescending(a => a.ConfirmedAt).FirstOrDefault()
            ?? letters.OrderByDescending(a => a.DraftedAt).FirstOrDefault();
        return letter is null
            ? DocumentBuild.Inapplicable($"Dossier {context.Row.Code} has no apology letter.")
            : DocumentBuild.Of(Model(context, letter));
    }

    public static ApologyLetterModel Model(DocumentContext context, ApologyLetterRow letter)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(letter);
        var offset = context.IssuedAt.Offset;
        return new ApologyLetterModel(
            context.Agency, context.Dossier, (letter.ConfirmedAt ?? context.IssuedAt).ToOffset(offset), letter.Id, letter.State == ApologyStates.Draft,
            letter.Reason, letter.OriginalDueAt.ToOffset(offset), letter.ProposedDueAt.ToOffset(offset), letter.ConfirmedBy);
    }
}
