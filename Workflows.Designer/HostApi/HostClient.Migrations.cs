using System.Text.Json.Nodes;

namespace Workflows.Designer.HostApi;

/// <summary>A version of a procedure as the Host lists it (draft or published).</summary>


/// <summary>From which published version to which, and where dossiers on removed nodes go.</summary>
public sealed record MigrationRequest(int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> NodeMap);

public sealed record NodeMove(string From, string To);

public sealed record MovableDossier(Guid InstanceId, string? DossierCode, IReadOnlyList<string> CurrentNodes, IReadOnlyList<NodeMove> Moves);

/// <summary>Why a dossier cannot move: the Host's English <see cref="Reason"/>, and its code and arguments to say it in the user's language.</summary>
public sealed record MigrationBlocker(string NodeId, string Reason, string? Code = null, IReadOnlyDictionary<string, string>? Args = null);

public sealed record BlockedDossier(Guid InstanceId, string? DossierCode, IReadOnlyList<string> CurrentNodes, IReadOnlyList<MigrationBlocker> Reasons);

/// <summary>The Host's dry run: counts over every dossier, and the first ones listed (<see cref="Truncated"/> when cut).</summary>
public sealed record MigrationDryRun(
    string ProcedureCode, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> NodeMap,
    int Instances, int Movable, int Blocked, IReadOnlyList<MovableDossier> Moves, IReadOnlyList<BlockedDossier> CannotMove, bool Truncated);

public sealed record MigrationOutcome(Guid InstanceId, string? DossierCode, string Outcome, string? Moves, string? Reason, DateTimeOffset At);

public sealed record MigrationOutcomePage(IReadOnlyList<MigrationOutcome> Items, int Page, int PageSize, int Total);

/// <summary>A migration run the Host applies in the background; <see cref="Pending"/> dossiers not handled yet.</summary>
public sealed record MigrationRun(
    Guid Id, string ProcedureCode, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> NodeMap, string State,
    int Moved, int Skipped, int Failed, int Pending, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
    MigrationOutcomePage? Outcomes = null)
{
    public bool Running => State == "running";
}

public sealed partial class HostClient
{
    /// <summary>Which dossiers would move and where, which cannot and why; nothing is saved.</summary>
    public Task<MigrationDryRun> DryRunMigrationAsync(string code, MigrationRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync<MigrationDryRun>(HttpMethod.Post, $"api/definitions/{Uri.EscapeDataString(code)}/migrations/dry-run", request, cancellationToken);

    /// <summary>Starts a migration run; the Host applies it in the background.</summary>
    public Task<MigrationRun> StartMigrationAsync(string code, MigrationRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync<MigrationRun>(HttpMethod.Post, $"api/definitions/{Uri.EscapeDataString(code)}/migrations", request, cancellationToken);

    /// <summary>A run's progress and a page of its per-dossier outcomes.</summary>
    public Task<MigrationRun> GetMigrationAsync(string code, Guid id, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default) =>
        GetAsync<MigrationRun>($"api/definitions/{Uri.EscapeDataString(code)}/migrations/{id}?page={page}&pageSize={pageSize}", cancellationToken);
}
