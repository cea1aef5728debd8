using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Access;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Dossiers;

internal sealed record StopDossierRequest(string? Reason);

/// <summary>
/// Stopping the processing of a dossier (dừng xử lý; notice form 05): an administrator, or an officer of a
/// department that has an open task on it. The dossier ends with national status 8 and the reason is kept for
/// the notice.
/// </summary>
internal static class StopDossierApi
{
    public static RouteGroupBuilder MapStopDossier(this RouteGroupBuilder dossiers)
    {
        dossiers.MapPost("/{code}/stop", Stop).RequireAuthorization(Policies.DossierHandler)
            .WithSummary("Stop processing the dossier (status 8, notice form 05)");
        return dossiers;
    }

    private static async Task<Results<Ok<object>, ValidationProblem, ProblemHttpResult>> Stop(
        string code, StopDossierRequest? request, HttpContext context, WorkflowsDbContext db, ChangesetStore store, WorkflowRunner runner, CancellationToken cancellationToken)
    {
        var reason = request?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > ColumnSizes.Note)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"Why processing stops (required, at most {ColumnSizes.Note} characters); it is printed on the notice."],
            });
        }

        var row = await DossierAccess.Visible(db, context.User).SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            // A problem document (application/problem+json), as every other 404 of the dossiers API.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dossier not found", detail: $"No dossier {code} that you may see.");
        }

        if (row.CompletedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier cannot be stopped",
                detail: $"Dossier {row.Code} has already ended ({row.Result}).");
        }

        if (!await DossierAccess.HandlesAsync(db, context.User, row.Id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                detail: "Only an administrator or an officer of a department handling the dossier may stop it.");
        }

        var instance = await store.LoadInstanceAsync(row.Id, cancellationToken);
        var result = instance is null
            ? null
            : await runner.TerminateAsync(instance, new TerminateRequest { Result = EndResult.Stopped, Actor = context.User.Name(), Reason = reason }, cancellationToken);
        if (result is not { Accepted: true })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier cannot be stopped",
                detail: result?.Rejection?.Message ?? "The dossier has no running workflow.");
        }

        var stopped = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == row.Id, cancellationToken);
        return TypedResults.Ok<object>(new { code = stopped.Code, status = stopped.Status, result = stopped.Result, reason });
    }
}
