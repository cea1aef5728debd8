using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Migrations;

internal sealed record NodeMoveDto(string From, string To);

internal sealed record MovableDossierDto(Guid InstanceId, string? DossierCode, IReadOnlyList<string> CurrentNodes, IReadOnlyList<NodeMoveDto> Moves);

/// <summary>
/// Why a dossier cannot move: <see cref="Reason"/> in English, and <see cref="Code"/> (<c>MigrationBlockerCodes</c>) with
/// <see cref="Args"/> (node ids, versions, kinds) so a client says it in its user's language with the steps' names.
/// </summary>
internal sealed record MigrationBlockerDto(string NodeId, string Reason, string Code, IReadOnlyDictionary<string, string> Args);

internal sealed record BlockedDossierDto(Guid InstanceId, string? DossierCode, IReadOnlyList<string> CurrentNodes, IReadOnlyList<MigrationBlockerDto> Reasons);

/// <summary>
/// What a migration would do: counts over every live instance of the old version, and the first <c>limit</c> dossiers
/// that would move and that cannot (with why, by node); <see cref="Truncated"/> says when a list was cut.
/// </summary>
internal sealed record MigrationDryRunDto(
    string ProcedureCode, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> NodeMap,
    int Instances, int Movable, int Blocked, IReadOnlyList<MovableDossierDto> Moves, IReadOnlyList<BlockedDossierDto> CannotMove, bool Truncated);

internal sealed record MigrationOutcomeDto(Guid InstanceId, string? DossierCode, string Outcome, string? Moves, string? Reason, DateTimeOffset At);

internal sealed record MigrationOutcomePageDto(IReadOnlyList<MigrationOutcomeDto> Items, int Page, int PageSize, int Total);

/// <summary>A migration run: its plan, state and counts; <see cref="Pending"/> live instances of the old version it has not handled yet.</summary>
internal sealed record MigrationRunDto(
    Guid Id, string ProcedureCode, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> NodeMap, string State,
    int Moved, int Skipped, int Failed, int Pending, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
    MigrationOutcomePageDto? Outcomes = null);

/// <summary>
/// /api/definitions/{code}/migrations: moving a procedure's running dossiers to a later published version
/// (administrators). A dry run says which dossiers would move, where each waiting token lands by the node map, and which
/// cannot move and why. A migration is a run that the migration worker applies in the background, in batches, one
/// dossier per commit; dossiers that cannot move are skipped with their reason and stay on their version.
/// </summary>
internal static class MigrationsApi
{
    private const int DryRunPage = 500;
    private const int MaxListed = 1000;

    public static IEndpointRouteBuilder MapMigrationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/definitions/{code}/migrations").WithTags("Migrations").RequireAuthorization(Policies.Administrator);
        api.MapPost("/dry-run", DryRun).WithSummary("Which dossiers would move, where each lands, which cannot move and why (nothing is saved)");
        api.MapPost("/", Start).WithSummary("Start a migration run; the Host applies it in the background, in batches");
        api.MapGet("/", List).WithSummary("The procedure's migration runs, newest first");
        api.MapGet("/{id:guid}", Get).WithSummary("A run's progress and its per-dossier outcomes (paged; outcome=moved|skipped|failed filters)");
        return app;
    }

    private static async Task<Results<Ok<MigrationDryRunDto>, ValidationProblem, ProblemHttpResult>> DryRun(
        string code, MigrationRequest? request, WorkflowsDbContext db, DefinitionCatalogue catalogue, CancellationToken cancellationToken, int limit = 200)
    {
        if (limit is < 1 or > MaxListed)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxListed}."] });
        }

        var resolved = await MigrationPlans.ResolveAsync(code, request, catalogue, cancellationToken);
        if (resolved.UnknownProcedure)
        {
            return UnknownProcedure(code);
        }

        if (resolved.Plan is not { } plan)
        {
            return Invalid(code, resolved.Errors!);
        }

        int instances = 0, movable = 0, blocked = 0;
        var moves = new List<MovableDossierDto>();
        var cannotMove = new List<BlockedDossierDto>();
        await foreach (var page in MigrationScan.PagesAsync(db, code, plan.From.Version, DryRunPage, cancellationToken))
        {
            foreach (var (instance, dossierCode) in page)
            {
                instances++;
                var verdict = MigrationPlans.Judge(plan, instance);
                var nodes = MigrationPlans.CurrentNodes(instance);
                if (verdict.CanMove)
                {
                    movable++;
                    if (moves.Count < limit)
                    {
                        moves.Add(new MovableDossierDto(instance.Id, dossierCode, nodes, [.. verdict.Moves.Select(m => new NodeMoveDto(m.From, m.To))]));
                    }
                }
                else
                {
                    blocked++;
                    if (cannotMove.Count < limit)
                    {
                        cannotMove.Add(new BlockedDossierDto(instance.Id, dossierCode, nodes, [.. verdict.Blockers.Select(b => new MigrationBlockerDto(b.NodeId, b.Message, b.Code, b.Args))]));
                    }
                }
            }
        }

        return TypedResults.Ok(new MigrationDryRunDto(code, plan.From.Version, plan.To.Version, plan.NodeMap, instances, movable, blocked, moves, cannotMove,
            Truncated: movable > moves.Count || blocked > cannotMove.Count));
    }

    private static async Task<Results<Accepted<MigrationRunDto>, ValidationProblem, ProblemHttpResult>> Start(
        string code, MigrationRequest? request, HttpContext context, WorkflowsDbContext db, DefinitionCatalogue catalogue, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var resolved = await MigrationPlans.ResolveAsync(code, request, catalogue, cancellationToken);
        if (resolved.UnknownProcedure)
        {
            return UnknownProcedure(code);
        }

        if (resolved.Plan is not { } plan)
        {
            return Invalid(code, resolved.Errors!);
        }

        // One run of a procedure at a time: a second would race the first for the same dossiers.
        var running = await db.MigrationRuns.AsNoTracking()
            .Where(r => r.ProcedureCode == code && r.State == MigrationRunStates.Running)
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        if (running is { } runningId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A migration of this procedure is running",
                detail: $"Migration {runningId} of {code} is still running; wait until it completes.",
                extensions: ApiProblemCodes.With(ApiProblemCodes.MigrationRunning, new Dictionary<string, object?> { ["procedure"] = code, ["run"] = runningId }));
        }

        var now = StoredValues.Instant(time.GetUtcNow());
        var row = new MigrationRunRow
        {
            Id = Guid.CreateVersion7(now),
            ProcedureCode = code,
            FromVersion = plan.From.Version,
            ToVersion = plan.To.Version,
            NodeMap = JsonSerializer.Serialize(plan.NodeMap),
            State = MigrationRunStates.Running,
            CreatedBy = context.User.Name(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.MigrationRuns.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        loggers.CreateLogger(typeof(MigrationsApi)).MigrationStarted(row.Id, code, row.FromVersion, row.ToVersion, row.CreatedBy);
        var pending = await MigrationScan.Live(db, code, row.FromVersion).CountAsync(cancellationToken);
        return TypedResults.Accepted($"/api/definitions/{Uri.EscapeDataString(code)}/migrations/{row.Id}", ToDto(row, pending));
    }

    private static async Task<Ok<List<MigrationRunDto>>> List(string code, WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.MigrationRuns.AsNoTracking().Where(r => r.ProcedureCode == code)
            .OrderByDescending(r => r.CreatedAt).Take(100).ToListAsync(cancellationToken);
        var result = new List<MigrationRunDto>();
        foreach (var row in rows)
        {
            result.Add(ToDto(row, await PendingAsync(db, row, cancellationToken)));
        }

        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<MigrationRunDto>, ValidationProblem, ProblemHttpResult>> Get(
        string code, Guid id, WorkflowsDbContext db, CancellationToken cancellationToken, string? outcome = null, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > InputLimits.MaxPage)
        {
            errors["page"] = [$"must be between 1 and {InputLimits.MaxPage}."];
        }

        if (pageSize is < 1 or > 200)
        {
            errors["pageSize"] = ["must be between 1 and 200."];
        }

        if (outcome is not (null or MigrationOutcomeKinds.Moved or MigrationOutcomeKinds.Skipped or MigrationOutcomeKinds.Failed))
        {
            errors["outcome"] = ["must be moved, skipped or failed."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var row = await db.MigrationRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ProcedureCode == code, cancellationToken);
        if (row is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Migration not found", detail: $"Procedure {code} has no migration {id}.",
                extensions: ApiProblemCodes.With(ApiProblemCodes.MigrationNotFound, new Dictionary<string, object?> { ["procedure"] = code, ["run"] = id }));
        }

        var outcomes = db.MigrationOutcomes.AsNoTracking().Where(o => o.RunId == id);
        if (outcome is not null)
        {
            outcomes = outcomes.Where(o => o.Outcome == outcome);
        }

        var total = await outcomes.CountAsync(cancellationToken);
        var items = await outcomes.OrderBy(o => o.At).ThenBy(o => o.InstanceId).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new MigrationOutcomeDto(o.InstanceId, o.DossierCode, o.Outcome, o.Moves, o.Reason, o.At))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(ToDto(row, await PendingAsync(db, row, cancellationToken)) with
        {
            Outcomes = new MigrationOutcomePageDto(items, page, pageSize, total),
        });
    }

    // Live instances of the old version this run has not handled yet (none once it completed).
    private static async Task<int> PendingAsync(WorkflowsDbContext db, MigrationRunRow row, CancellationToken cancellationToken) =>
        row.State == MigrationRunStates.Completed ? 0 : await MigrationWorker.Unhandled(db, row).CountAsync(cancellationToken);

    private static ProblemHttpResult UnknownProcedure(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Procedure not found", detail: $"Procedure {code} has no published version.",
            extensions: ApiProblemCodes.With(ApiProblemCodes.ProcedureNotFound, new Dictionary<string, object?> { ["procedure"] = code }));

    private static ValidationProblem Invalid(string code, Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The migration is not valid",
            extensions: ApiProblemCodes.With(ApiProblemCodes.MigrationInvalid, new Dictionary<string, object?> { ["procedure"] = code }));

    internal static MigrationRunDto ToDto(MigrationRunRow row, int pending) => new(
        row.Id, row.ProcedureCode, row.FromVersion, row.ToVersion, JsonSerializer.Deserialize<Dictionary<string, string>>(row.NodeMap) ?? [], row.State,
        row.Moved, row.Skipped, row.Failed, pending, row.CreatedBy, row.CreatedAt, row.UpdatedAt, row.CompletedAt);
}
