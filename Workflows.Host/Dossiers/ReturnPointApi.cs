using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>The desk's change of where the result is returned; a null or empty point returns it where it was received.</summary>
internal sealed record ReturnPointRequest(string? ReturnPoint, string? Note);

/// <summary>
/// Location-independent service: the applicant may collect the result at another reception point than the one
/// that received the dossier. The one-stop desk may change that point until the result is returned; each change
/// is a <c>returnPointChanged</c> entry of the dossier's journal, so the timeline shows who moved it and when.
/// </summary>
internal static class ReturnPointApi
{
    /// <summary>The journal kind of a change; detail "old point → new point" by name.</summary>
    public const string ChangedKind = "returnPointChanged";

    public static RouteGroupBuilder MapReturnPoint(this RouteGroupBuilder dossiers)
    {
        dossiers.MapPut("/{code}/return-point", Change).RequireAuthorization(OneStopDeskRequirement.Policy)
            .WithSummary("Change where the result is returned (a reception point code; null: where it was received)");
        return dossiers;
    }

    private static async Task<Results<Ok<PlaceDto>, ValidationProblem, ProblemHttpResult>> Change(
        string code, ReturnPointRequest? request, HttpContext context, WorkflowsDbContext db, ReceptionPointDirectory receptionPoints,
        DepartmentDirectory departments, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var wanted = string.IsNullOrWhiteSpace(request?.ReturnPoint) ? null : request.ReturnPoint.Trim();
        if (wanted is not null && (wanted.Length > ColumnSizes.ReceptionPoint || !receptionPoints.Accepts(wanted)))
        {
            errors["returnPoint"] = [$"'{wanted}' is not a reception point of the centre; GET /api/reception-points lists them."];
        }

        var note = string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim();
        if (note?.Length > ColumnSizes.Note)
        {
            errors["note"] = [$"At most {ColumnSizes.Note} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var row = await DossierAccess.Visible(db, context.User).AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dossier not found", detail: $"No dossier {code} that you may see.");
        }

        if (row.ResultReturnedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The result has been returned",
                detail: $"The result of dossier {code} was returned; its return point can no longer change.");
        }

        // Returning where it was received is recorded as no other point, as at intake.
        var to = wanted == row.ReceptionPoint ? null : wanted;
        var place = DossiersApi.Place(to ?? row.ReceptionPoint, receptionPoints, departments);
        if (to == row.ReturnPoint)
        {
            return TypedResults.Ok(place);
        }

        var from = DossiersApi.Place(row.ReturnPoint ?? row.ReceptionPoint, receptionPoints, departments);
        var changed = await WriteAsync(db, row, to, new JournalRow
        {
            Kind = ChangedKind,
            Actor = context.User.Name(),
            Note = note,
            Detail = $"{from.Name} → {place.Name}",
        }, time.GetUtcNow(), cancellationToken);
        return changed
            ? TypedResults.Ok(place)
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier changed since it was read", detail: "Read it again and retry.", extensions: ApiProblemCodes.With(ApiProblemCodes.DossierChanged));
    }

    /// <summary>
    /// Sets the return point and appends the journal entry in one transaction, each only at the version read (the
    /// dossier's row version, the instance's version as TaskCommands.ForwardAsync does), so a concurrent change or
    /// engine call makes this one fail instead of reusing a journal sequence number.
    /// </summary>
    private static async Task<bool> WriteAsync(WorkflowsDbContext db, DossierRow row, string? to, JournalRow entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var instance = await db.Instances.AsNoTracking()
            .Where(i => i.Id == row.Id)
            .Select(i => new { i.Version, i.JournalSequence })
            .SingleAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Instance first, then the dossier: the order ChangesetStore locks them in.
            var sequence = instance.JournalSequence + 1;
            var advanced = await db.Instances
                .Where(i => i.Id == row.Id && i.Version == instance.Version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.JournalSequence, sequence)
                    .SetProperty(i => i.Version, instance.Version + 1)
                    .SetProperty(i => i.UpdatedAt, now), cancellationToken);
            var moved = advanced == 0 ? 0 : await db.Dossiers
                .Where(d => d.Id == row.Id && d.RowVersion == row.RowVersion && d.ResultReturnedAt == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.ReturnPoint, to)
                    .SetProperty(d => d.UpdatedAt, now)
                    .SetProperty(d => d.RowVersion, d => d.RowVersion + 1), cancellationToken);
            if (moved == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return false;
            }

            entry.InstanceId = row.Id;
            entry.Sequence = sequence;
            entry.At = now;
            db.Journal.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when ((e is DbUpdateException && !DatabaseUnavailable.Is(e)) || DatabaseErrors.IsTransientConflict(e))
        {
            // Someone else wrote the instance's journal or the dossier meanwhile.
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }
    }
}
