using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Host.Access;
using Workflows.Host.Documents;
using Workflows.Host.Dossiers;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

internal sealed record ApologyDto(
    Guid Id,
    string DossierCode,
    string ProcedureCode,
    string ProcedureName,
    string ApplicantName,
    string Reason,
    DateTimeOffset ProposedDueAt,
    DateTimeOffset OriginalDueAt,
    DateTimeOffset PreviousDueAt,
    DateTimeOffset CurrentDueAt,
    string State,
    DateTimeOffset DraftedAt,
    DateTimeOffset? ConfirmedAt,
    string? ConfirmedBy);

internal sealed record ConfirmApologyRequest(string? Reason, DateTimeOffset? ProposedDueAt);

/// <summary>
/// /api/apologies: apology letters (form 04) the deadline sweep drafts for dossiers that will be late. Officers
/// of a department with an open task on the dossier, and administrators, list, confirm and print them;
/// confirming moves the dossier's appointment (due_at; original_due_at stays for statistics), adds an
/// <c>apologySent</c> journal row and tells the intake system the new date.
/// </summary>
internal static class ApologiesApi
{
    public const int MaxReasonLength = ColumnSizes.Note;

    public static IEndpointRouteBuilder MapApologiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/apologies").WithTags("Apologies").RequireAuthorization(Policies.DossierHandler);
        api.MapGet("/", List).WithSummary("Apology letters (state=draft by default) of dossiers the caller works on");
        api.MapGet("/{id:guid}", Get).WithSummary("One apology letter");
        api.MapPost("/{id:guid}/confirm", Confirm).WithSummary("Confirm a draft: the dossier's appointment moves to the new date");
        api.MapGet("/{id:guid}/letter", Letter).WithSummary("The letter (form 04) as printable HTML");
        return app;
    }

    private sealed class Found
    {
        public required ApologyLetterRow Letter { get; init; }

        public required DossierRow Dossier { get; init; }

        public void Deconstruct(out ApologyLetterRow letter, out DossierRow dossier) => (letter, dossier) = (Letter, Dossier);
    }

    private static IQueryable<Found> Visible(WorkflowsDbContext db, ClaimsPrincipal user)
    {
        return from a in db.Set<ApologyLetterRow>().AsNoTracking()
               join d in DossierAccess.Handled(db, user, db.Dossiers.AsNoTracking()) on a.DossierId equals d.Id
               select new Found { Letter = a, Dossier = d };
    }

    private static async Task<Results<Ok<IReadOnlyList<ApologyDto>>, ValidationProblem, ProblemHttpResult>> List(
        HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, string? state = null, CancellationToken cancellationToken = default)
    {
        var wanted = string.IsNullOrWhiteSpace(state) ? ApologyStates.Draft : state.Trim();
        if (!ApologyStates.All.Contains(wanted))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [$"State is one of: {string.Join(", ", ApologyStates.All)}."] });
        }

        var found = await Visible(db, context.User).Where(f => f.Letter.State == wanted).ToListAsync(cancellationToken);
        IReadOnlyList<ApologyDto> letters = [.. found.OrderBy(f => f.Letter.DraftedAt).ThenBy(f => f.Letter.Id).Select(f => Dto(f, calendar.UtcOffset))];
        return TypedResults.Ok(letters);
    }

    private static async Task<Results<Ok<ApologyDto>, ProblemHttpResult>> Get(
        Guid id, HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var found = await Visible(db, context.User).SingleOrDefaultAsync(f => f.Letter.Id == id, cancellationToken);
        return found is null ? NotFound(id) : TypedResults.Ok(Dto(found, calendar.UtcOffset));
    }

    private static async Task<Results<Ok<ApologyDto>, ValidationProblem, ProblemHttpResult>> Confirm(
        Guid id, ConfirmApologyRequest? body, HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var found = await Visible(db, context.User).SingleOrDefaultAsync(f => f.Letter.Id == id, cancellationToken);
        if (found is null)
        {
            return NotFound(id);
        }

        var (letter, dossier) = found;
        if (letter.State != ApologyStates.Draft)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not a draft", detail: $"The apology letter is {letter.State}.");
        }

        if (dossier.CompletedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier is finished", detail: $"Dossier {dossier.Code} needs no new appointment.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? letter.Reason : body.Reason.Trim();
        if (reason.Length > MaxReasonLength)
        {
            errors["reason"] = [string.Create(CultureInfo.InvariantCulture, $"At most {MaxReasonLength} characters.")];
        }

        var proposed = body?.ProposedDueAt ?? letter.ProposedDueAt;
        if (proposed <= dossier.DueAt)
        {
            errors["proposedDueAt"] = [$"The new appointment must be after the current one ({DeadlineJournal.Local(dossier.DueAt)})."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The apology cannot be confirmed");
        }

        var now = time.GetUtcNow();
        var actor = context.User.Name();
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var row = await db.Dossiers.SingleAsync(d => d.Id == dossier.Id, cancellationToken);
            var stored = await db.Set<ApologyLetterRow>().SingleAsync(a => a.Id == id, cancellationToken);
            if (row.RowVersion != dossier.RowVersion || stored.RowVersion != letter.RowVersion)
            {
                throw new DeadlineConflictException(dossier.Id);
            }

            var previous = row.DueAt;
            row.DueAt = proposed;
            row.UpdatedAt = now;
            row.RowVersion++;
            stored.Reason = reason;
            stored.ProposedDueAt = proposed;
            stored.PreviousDueAt = previous;
            stored.State = ApologyStates.Confirmed;
            stored.ConfirmedAt = now;
            stored.ConfirmedBy = actor;
            stored.RowVersion++;
            db.Outbox.Add(DossierProjection.StatusChanged(row, now));
            await DeadlineJournal.AppendAsync(db, row.Id,
                [new JournalRow { Kind = DeadlineJournalKinds.ApologySent, Actor = actor, Note = reason, Detail = DeadlineJournal.Change(previous, proposed) }],
                now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return TypedResults.Ok(Dto(new Found { Letter = stored, Dossier = row }, calendar.UtcOffset));
        }
        catch (Exception e) when (e is DeadlineConflictException || (e is DbUpdateException && !DatabaseUnavailable.Is(e)) || DatabaseErrors.IsTransientConflict(e))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier changed since it was read", detail: "Read it again and retry.", extensions: ApiProblemCodes.With(ApiProblemCodes.DossierChanged));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Letter(
        Guid id, HttpContext context, WorkflowsDbContext db, DocumentForms forms, DocumentRenderer renderer, CancellationToken cancellationToken)
    {
        var found = await Visible(db, context.User).SingleOrDefaultAsync(f => f.Letter.Id == id, cancellationToken);
        if (found is null)
        {
            return NotFound(id);
        }

        var document = await forms.ContextAsync(found.Dossier, cancellationToken);
        var html = renderer.Render(ApologyLetterForm.FormNumber, ApologyLetterForm.Model(document, found.Letter));
        return TypedResults.Text(html, "text/html; charset=utf-8");
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Apology letter not found", detail: $"No apology letter {id} that you may see.");

    private static ApologyDto Dto(Found found, TimeSpan offset)
    {
        var (a, d) = found;
        return new ApologyDto(a.Id, d.Code, d.ProcedureCode, d.ProcedureName, d.ApplicantName, a.Reason,
            a.ProposedDueAt.ToOffset(offset), a.OriginalDueAt.ToOffset(offset), a.PreviousDueAt.ToOffset(offset), d.DueAt.ToOffset(offset),
            a.State, a.DraftedAt.ToOffset(offset), a.ConfirmedAt?.ToOffset(offset), a.ConfirmedBy);
    }
}
