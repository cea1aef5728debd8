using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Persistence;

namespace Workflows.Host.Runtime;

internal sealed record DeadMessageDto(Guid Id, Guid InstanceId, string Kind, JsonNode? Payload, DateTimeOffset CreatedAt, int Attempts, string? LastError);

internal sealed record RuntimeStatusDto(int PendingTimers, int DueTimers, int PendingOutbox, int DeadOutbox, int FaultedInstances);

/// <summary>/api/runtime: administrators watch the timers, the outbox and faulted instances, and put dead messages and faulted instances back.</summary>
internal static class RuntimeApi
{
    private const int MaxListed = 500;

    public static IEndpointRouteBuilder MapRuntimeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runtime").WithTags("Runtime").RequireAuthorization(Policies.Administrator);
        api.MapGet("/status", Status).WithSummary("Pending timers, pending and dead outbox messages, faulted instances");
        api.MapGet("/outbox/dead", Dead).WithSummary("The dead-letter list: messages that failed every attempt");
        api.MapPost("/outbox/{id:guid}/retry", Retry).WithSummary("Put a dead message back for delivery (attempts start again)");
        api.MapFaultedInstances();
        return app;
    }

    private static async Task<Ok<RuntimeStatusDto>> Status(WorkflowsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var timers = db.Bookmarks.Where(b => b.Kind == StoredValues.TimerBookmark);
        return TypedResults.Ok(new RuntimeStatusDto(
            await timers.CountAsync(cancellationToken),
            await timers.CountAsync(b => b.DueAt <= now, cancellationToken),
            await db.Outbox.CountAsync(o => o.DeliveredAt == null && !o.Dead, cancellationToken),
            await db.Outbox.CountAsync(o => o.Dead, cancellationToken),
            await FaultedInstancesApi.Faulted(db).CountAsync(cancellationToken)));
    }

    private static async Task<Ok<List<DeadMessageDto>>> Dead(WorkflowsDbContext db, int? limit, CancellationToken cancellationToken)
    {
        var rows = await db.Outbox.AsNoTracking()
            .Where(o => o.Dead)
            .OrderBy(o => o.CreatedAt)
            .Take(Math.Clamp(limit ?? 100, 1, MaxListed))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(o => new DeadMessageDto(o.Id, o.InstanceId, o.Kind, JsonNode.Parse(o.Payload), o.CreatedAt, o.Attempts, o.LastError)).ToList());
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Retry(
        Guid id, WorkflowsDbContext db, TimeProvider time, HttpContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.Outbox.Where(o => o.Id == id && o.Dead).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Dead, false)
            .SetProperty(o => o.Attempts, 0)
            .SetProperty(o => o.NextAttemptAt, now), cancellationToken);
        if (updated == 0)
        {
            return await db.Outbox.AnyAsync(o => o.Id == id, cancellationToken)
                ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The message is not dead", detail: $"Message {id} is not dead.")
                : TypedResults.NotFound();
        }

        var actor = context.User.Name();
        loggers.CreateLogger(typeof(RuntimeApi)).MessageRetried(id, actor);
        return TypedResults.NoContent();
    }
}
