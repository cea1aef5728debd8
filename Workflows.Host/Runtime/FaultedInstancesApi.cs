using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;
using Workflows.Host.Access;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

/// <summary>A faulted instance as administrators see it: where it stopped and what kind of failure, never dossier data.</summary>
internal sealed record FaultedInstanceDto(
    Guid InstanceId, string? DossierCode, string ProcedureCode, int ProcedureVersion, int? LatestPublishedVersion,
    string? NodeId, string? Reason, DateTimeOffset? FaultedAt);

/// <summary>Which published version a retry runs on; the latest published version when omitted.</summary>
internal sealed record RetryFaultedRequest(int? Version);

internal sealed record RetriedInstanceDto(Guid InstanceId, string? DossierCode, string Status, int ProcedureVersion, int? DossierStatus, FaultedInstanceDto? Fault);

/// <summary>
/// /api/runtime/faulted: instances a node stopped with an error (a decision that failed or ran out of its limits, a
/// sub-process with no version in force, ...). An administrator lists them, fixes and publishes the definition, then
/// retries: the faulted node runs again, on the latest published version unless a version is named. A later version
/// is used only when it still has every node the dossier stands on; otherwise the answer is 409 naming the nodes,
/// and the administrator can retry on the dossier's own version or stop the dossier (POST /api/dossiers/{code}/stop).
/// </summary>
internal static class FaultedInstancesApi
{
    private const int MaxListed = 500;

    public static RouteGroupBuilder MapFaultedInstances(this RouteGroupBuilder runtime)
    {
        runtime.MapGet("/faulted", List).WithSummary("Faulted instances: dossier, procedure version, node and reason");
        runtime.MapPost("/faulted/{id:guid}/retry", Retry)
            .WithSummary("Run the faulted node again (on the latest published version, or the version named)");
        return runtime;
    }

    internal static IQueryable<InstanceRow> Faulted(WorkflowsDbContext db)
    {
        var faulted = RowMapping.Name(InstanceStatus.Faulted);
        return db.Instances.AsNoTracking().Where(i => i.Status == faulted);
    }

    private static async Task<Ok<List<FaultedInstanceDto>>> List(WorkflowsDbContext db, int? limit, CancellationToken cancellationToken)
    {
        var published = ProcedureStatus.Published;
        var rows = await Faulted(db)
            .OrderBy(i => i.UpdatedAt).ThenBy(i => i.Id)
            .Take(Math.Clamp(limit ?? 100, 1, MaxListed))
            .Select(i => new
            {
                Instance = i,
                Dossier = db.Dossiers.Where(d => d.Id == i.Id).Select(d => d.Code).FirstOrDefault(),
                Latest = db.ProcedureVersions.Where(p => p.Code == i.DefinitionCode && p.Status == published).Max(p => (int?)p.Version),
            })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => ToDto(r.Instance, r.Dossier, r.Latest)).ToList());
    }

    private static async Task<Results<Ok<RetriedInstanceDto>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ProblemHttpResult, ValidationProblem>> Retry(
        Guid id, RetryFaultedRequest? request, HttpContext context, WorkflowsDbContext db, ChangesetStore store, DefinitionCatalogue catalogue,
        WorkflowRunner runner, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var instance = await store.LoadInstanceAsync(id, cancellationToken);
        if (instance is null)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 404, Title = "Instance not found", Detail = $"No instance {id}." }.Coded(ApiProblemCodes.NotFound));
        }

        if (instance.Status != InstanceStatus.Faulted)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The instance is not faulted",
                detail: $"Instance {id} is {RowMapping.Name(instance.Status)}; only a faulted instance can be retried.");
        }

        var version = request?.Version
            ?? (await catalogue.LatestPublishedAsync(instance.DefinitionCode, cancellationToken))?.Version
            ?? instance.DefinitionVersion;
        if (version < instance.DefinitionVersion)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["version"] = [$"The instance runs version {instance.DefinitionVersion}; a retry runs on it or on a later published version."],
            });
        }

        var definition = await catalogue.GetPublishedAsync(instance.DefinitionCode, version, cancellationToken);
        if (definition is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["version"] = [$"Procedure {instance.DefinitionCode} has no published version {version}."],
            });
        }

        var actor = context.User.Name();
        ExecutionResult result;
        try
        {
            result = await runner.RetryAsync(instance, definition, actor, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier changed since it was read", detail: "Read it again and retry.", extensions: ApiProblemCodes.With(ApiProblemCodes.DossierChanged));
        }

        if (!result.Accepted)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The instance cannot be retried on this version",
                detail: result.Rejection!.Message);
        }

        var after = result.Changeset!.Instances.Single(c => c.State.Id == id).State;
        loggers.CreateLogger(typeof(FaultedInstancesApi)).InstanceRetried(id, instance.DefinitionVersion, version, actor);
        var dossier = await db.Dossiers.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.Code, d.Status }).SingleOrDefaultAsync(cancellationToken);
        var fault = after.Fault is null
            ? null
            : new FaultedInstanceDto(id, dossier?.Code, after.DefinitionCode, after.DefinitionVersion, version, after.Fault.NodeId, after.Fault.Message, after.Fault.At);
        return TypedResults.Ok(new RetriedInstanceDto(id, dossier?.Code, RowMapping.Name(after.Status), after.DefinitionVersion, dossier?.Status, fault));
    }

    private static FaultedInstanceDto ToDto(InstanceRow row, string? dossierCode, int? latest)
    {
        var fault = RowMapping.Fault(row.Fault);
        return new FaultedInstanceDto(row.Id, dossierCode, row.DefinitionCode, row.DefinitionVersion, latest, fault?.NodeId, fault?.Message, fault?.At);
    }
}
