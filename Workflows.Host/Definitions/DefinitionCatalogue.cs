using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;
using Workflows.Engine.Versions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

internal sealed record FolderSyncResult(int Published, int Unchanged, int Failed);

/// <summary>
/// Procedure versions in the database: drafts that designers edit, and published versions that never change.
/// Published versions are also kept in the in-memory <see cref="DefinitionRegistry"/> the engine reads.
/// </summary>
internal sealed partial class DefinitionCatalogue(
    WorkflowsDbContext db,
    DefinitionRegistry registry,
    DefinitionFolder folder,
    Engine.Calendar.WorkingCalendar calendar,
    TimeProvider time,
    ILogger<DefinitionCatalogue> logger)
{
    /// <summary>
    /// Publishes new or changed procedure files. A file whose content (hash) is already stored under any
    /// version of its code changes nothing. Otherwise the file's version number is used if free, else
    /// max + 1. A file that cannot be read or has problems is logged and skipped.
    /// </summary>
    public async Task<FolderSyncResult> SyncFolderAsync(CancellationToken cancellationToken = default)
    {
        var files = new List<(string File, ProcedureDefinition Definition)>();
        var failed = 0;
        foreach (var file in folder.ProcedureFiles())
        {
            var loaded = DefinitionInput.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            if (!loaded.Succeeded)
            {
                LogFileProblems(file, string.Join("; ", loaded.Problems));
                failed++;
                continue;
            }

            files.Add((file, loaded.Definition!));
        }

        var knownCodes = await KnownCodesAsync(cancellationToken);
        knownCodes.UnionWith(files.Select(f => f.Definition.Code));
        int published = 0, unchanged = 0;
        foreach (var (file, definition) in files)
        {
            var hash = DefinitionInput.ContentHash(definition);
            var existing = await db.ProcedureVersions.AsNoTracking()
                .Where(p => p.Code == definition.Code)
                .Select(p => new { p.Version, p.ContentHash })
                .ToListAsync(cancellationToken);
            if (existing.Any(e => e.ContentHash == hash))
            {
                unchanged++;
                continue;
            }

            var problems = DefinitionValidator.Validate(definition, Context(knownCodes));
            if (problems.Count > 0)
            {
                LogFileProblems(file, string.Join("; ", problems));
                failed++;
                continue;
            }

            var version = NextVersion(definition.Version, existing.Select(e => e.Version));
            if (version != definition.Version)
            {
                LogRenumbered(file, definition.Code, definition.Version, version);
            }

            var row = NewRow(definition with { Version = version }, ProcedureStatus.Published);
            row.PublishedAt = row.CreatedAt;
            db.ProcedureVersions.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            LogPublishedFromFile(file, definition.Code, version);
            published++;
        }

        return new FolderSyncResult(published, unchanged, failed);
    }

    /// <summary>Fills the registry with every published version.</summary>
    public async Task LoadRegistryAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.ProcedureVersions.AsNoTracking().Where(p => p.Status == ProcedureStatus.Published).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            registry.Publish(Definition(row));
        }
    }

    /// <summary>A published version for the engine: from the registry, else from the database (another node published it).</summary>
    public async Task<ProcedureDefinition?> GetPublishedAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        if (registry.Get(code, version) is { } cached)
        {
            return cached;
        }

        var row = await db.ProcedureVersions.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Code == code && p.Version == version && p.Status == ProcedureStatus.Published, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var definition = Definition(row);
        registry.Publish(definition);
        return definition;
    }

    /// <summary>Latest version of each procedure (draft or published) whose code or name contains <paramref name="search"/>.</summary>
    public async Task<(IReadOnlyList<ProcedureVersionRow> Items, int Total)> SearchAsync(string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        var latest = db.ProcedureVersions.AsNoTracking()
            .Where(p => p.Version == db.ProcedureVersions.Where(q => q.Code == p.Code).Max(q => q.Version));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            // ToLower() is translated to SQL lower() on both providers; culture overloads are not translatable.
#pragma warning disable CA1304, CA1311, CA1862
            latest = latest.Where(p => p.Code.ToLower().Contains(term) || p.Name.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var total = await latest.CountAsync(cancellationToken);
        var items = await latest.OrderBy(p => p.Code).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    public Task<ProcedureVersionRow?> LatestPublishedAsync(string code, CancellationToken cancellationToken) =>
        db.ProcedureVersions.AsNoTracking()
            .Where(p => p.Code == code && p.Status == ProcedureStatus.Published)
            .OrderByDescending(p => p.Version)
            .FirstOrDefaultAsync(cancellationToken);

    public Task<ProcedureVersionRow?> VersionAsync(string code, int version, CancellationToken cancellationToken) =>
        db.ProcedureVersions.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code && p.Version == version, cancellationToken);

    public async Task<IReadOnlyList<ProcedureVersionRow>> VersionsAsync(string code, CancellationToken cancellationToken) =>
        await db.ProcedureVersions.AsNoTracking().Where(p => p.Code == code).OrderBy(p => p.Version).ToListAsync(cancellationToken);

    /// <summary>Stores a new draft (problems allowed; publishing is what refuses them). One draft per procedure.</summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> CreateDraftAsync(ProcedureDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (await DraftAsync(definition.Code, cancellationToken) is not null)
        {
            throw new ConflictException($"Procedure {definition.Code} already has a draft; update it or publish it first.");
        }

        var versions = await db.ProcedureVersions.Where(p => p.Code == definition.Code).Select(p => p.Version).ToListAsync(cancellationToken);
        var numbered = definition with { Version = NextVersion(definition.Version, versions) };
        var row = NewRow(numbered, ProcedureStatus.Draft);
        db.ProcedureVersions.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return (row, await ValidateAsync(numbered, cancellationToken));
    }

    /// <summary>Replaces the content of the procedure's draft; its version number stays.</summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> UpdateDraftAsync(string code, ProcedureDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
        var numbered = definition with { Version = row.Version };
        row.Json = DefinitionJson.Serialize(numbered);
        row.ContentHash = DefinitionInput.ContentHash(numbered);
        row.Name = numbered.Name;
        row.EffectiveFrom = numbered.EffectiveFrom;
        await db.SaveChangesAsync(cancellationToken);
        return (row, await ValidateAsync(numbered, cancellationToken));
    }

    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> ValidateDraftAsync(string code, CancellationToken cancellationToken)
    {
        var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
        return (row, await ValidateAsync(Definition(row), cancellationToken));
    }

    /// <summary>Publishes the draft unless it has problems; the problems are returned instead.</summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> PublishDraftAsync(string code, CancellationToken cancellationToken)
    {
        var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
        var definition = Definition(row);
        var problems = await ValidateAsync(definition, cancellationToken);
        if (problems.Count > 0)
        {
            return (row, problems);
        }

        row.Status = ProcedureStatus.Published;
        row.PublishedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        registry.Publish(definition);
        return (row, problems);
    }

    public async Task<IReadOnlyList<ValidationProblem>> ValidateAsync(ProcedureDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var codes = await KnownCodesAsync(cancellationToken);
        codes.Add(definition.Code);
        return DefinitionValidator.Validate(definition, Context(codes));
    }

    public static ProcedureDefinition Definition(ProcedureVersionRow row)
    {
        var loaded = DefinitionJson.Parse(row.Json);
        return loaded.Definition ?? throw new InvalidOperationException(
            $"Stored procedure {row.Code} v{row.Version} cannot be read: {string.Join("; ", loaded.Problems)}");
    }

    /// <summary>Discards the draft of <paramref name="code"/> (published versions stay); false when there is none.</summary>
    public async Task<bool> DiscardDraftAsync(string code, CancellationToken cancellationToken) =>
        await db.ProcedureVersions.Where(p => p.Code == code && p.Status == ProcedureStatus.Draft).ExecuteDeleteAsync(cancellationToken) > 0;

    private Task<ProcedureVersionRow?> DraftAsync(string code, CancellationToken cancellationToken) =>
        db.ProcedureVersions.SingleOrDefaultAsync(p => p.Code == code && p.Status == ProcedureStatus.Draft, cancellationToken);

    private async Task<HashSet<string>> KnownCodesAsync(CancellationToken cancellationToken) =>
        new(await db.ProcedureVersions.Select(p => p.Code).Distinct().ToListAsync(cancellationToken), StringComparer.Ordinal);

    // Days and hours compare in the calendar's working day, as due times are counted.
    private ValidationContext Context(IReadOnlySet<string> procedures) => new(folder.Departments, folder.Templates, procedures, calendar.HoursPerWorkingDay);

    private ProcedureVersionRow NewRow(ProcedureDefinition definition, string status) => new()
    {
        Code = definition.Code,
        Version = definition.Version,
        EffectiveFrom = definition.EffectiveFrom,
        Name = definition.Name,
        Status = status,
        Json = DefinitionJson.Serialize(definition),
        ContentHash = DefinitionInput.ContentHash(definition),
        CreatedAt = time.GetUtcNow(),
    };

    private static int NextVersion(int wanted, IEnumerable<int> taken)
    {
        var set = taken.ToHashSet();
        return wanted >= 1 && !set.Contains(wanted) ? wanted : (set.Count == 0 ? 1 : set.Max() + 1);
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Procedure file {File} was not published: {Problems}")]
    private partial void LogFileProblems(string file, string problems);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Procedure file {File} changed but {Code} v{FileVersion} is already published; published as v{Version}")]
    private partial void LogRenumbered(string file, string code, int fileVersion, int version);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Published {Code} v{Version} from {File}")]
    private partial void LogPublishedFromFile(string file, string code, int version);
}
