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
    DepartmentDirectory directory,
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

            var row = NewRow(definition with { Version = version }, ProcedureStatus.Published, savedBy: null);
            row.PublishedAt = row.CreatedAt;
            db.ProcedureVersions.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            LogPublishedFromFile(file, definition.Code, version);
            published++;
        }

        return new FolderSyncResult(published, unchanged, failed);
    }

    /// <summary>
    /// Fills the catalogue's search and filter columns of versions stored before they existed (once: a filled row is
    /// not read again). A version whose JSON cannot be read is still found by its name.
    /// </summary>
    public async Task FillCatalogueColumnsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.ProcedureVersions.Where(p => p.SearchName == null).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            row.SavedAt ??= row.PublishedAt ?? row.CreatedAt;
            if (DefinitionInput.Parse(row.Json).Definition is { } definition)
            {
                Describe(row, definition);
            }
            else
            {
                row.SearchName = SearchText.Fold(row.Name);
            }
        }

        if (rows.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
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

    /// <summary>
    /// The catalogue: one entry per procedure, described by its latest version (draft or published), filtered,
    /// sorted and paged in the database. Codes and names match <see cref="CatalogueQuery.Search"/> without diacritics.
    /// </summary>
    public async Task<(IReadOnlyList<CatalogueItemDto> Items, int Total)> SearchAsync(CatalogueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var versions = db.ProcedureVersions.AsNoTracking();
        var latest = versions.Where(p => p.Version == versions.Where(q => q.Code == p.Code).Max(q => q.Version));
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = SearchText.Fold(query.Search.Trim());
            // ToLower() is translated to SQL lower() on both providers (codes are ASCII); names are folded when stored.
#pragma warning disable CA1304, CA1311, CA1862
            latest = latest.Where(p => p.SearchName!.Contains(term) || p.Code.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        if (!string.IsNullOrWhiteSpace(query.Field))
        {
            latest = latest.Where(p => p.Field == query.Field);
        }

        if (!string.IsNullOrWhiteSpace(query.Department))
        {
            var marked = $"|{query.Department}|";
            latest = latest.Where(p => p.Departments!.Contains(marked));
        }

        var withDraft = query.Status is CatalogueStatus.Draft or CatalogueStatus.Both;
        var withPublished = query.Status is CatalogueStatus.Published or CatalogueStatus.Both;
        if (withDraft)
        {
            latest = latest.Where(p => versions.Any(q => q.Code == p.Code && q.Status == ProcedureStatus.Draft));
        }

        if (withPublished)
        {
            latest = latest.Where(p => versions.Any(q => q.Code == p.Code && q.Status == ProcedureStatus.Published));
        }

        var total = await latest.CountAsync(cancellationToken);
        var sorted = (query.Sort, query.Descending) switch
        {
            (CatalogueSort.Name, false) => latest.OrderBy(p => p.SearchName).ThenBy(p => p.Code),
            (CatalogueSort.Name, true) => latest.OrderByDescending(p => p.SearchName).ThenBy(p => p.Code),
            (CatalogueSort.UpdatedAt, false) => latest.OrderBy(p => p.SavedAt).ThenBy(p => p.Code),
            (CatalogueSort.UpdatedAt, true) => latest.OrderByDescending(p => p.SavedAt).ThenBy(p => p.Code),
            (_, true) => latest.OrderByDescending(p => p.Code),
            _ => latest.OrderBy(p => p.Code),
        };
        var page = await sorted
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Select(p => new
            {
                Row = p,
                Published = versions.Where(q => q.Code == p.Code && q.Status == ProcedureStatus.Published).Max(q => (int?)q.Version),
                Draft = versions.Where(q => q.Code == p.Code && q.Status == ProcedureStatus.Draft).Max(q => (int?)q.Version),
            })
            .ToListAsync(cancellationToken);
        return ([.. page.Select(e => CatalogueItem(e.Row, e.Published, e.Draft))], total);
    }

    private static CatalogueItemDto CatalogueItem(ProcedureVersionRow row, int? published, int? draft)
    {
        // The page's few definitions are read for what has no column (limits, competent body).
        var definition = DefinitionInput.Parse(row.Json).Definition;
        return new CatalogueItemDto(
            row.Code,
            row.Name,
            row.Field,
            definition?.CompetentBody,
            [.. (row.Departments ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries)],
            definition?.CommittedTimeLimit,
            definition?.LegalTimeLimit,
            CatalogueStatuses.Of(published, draft),
            row.Version,
            published,
            draft,
            row.SavedAt ?? row.CreatedAt);
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

    /// <summary>
    /// Stores a new draft (problems allowed; publishing is what refuses them). One draft per procedure. Layout
    /// positions of nodes the flowchart does not have are dropped.
    /// </summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> CreateDraftAsync(ProcedureDefinition definition, string? savedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (await DraftAsync(definition.Code, cancellationToken) is not null)
        {
            throw new ConflictException($"Procedure {definition.Code} already has a draft; update it or publish it first.");
        }

        var versions = await db.ProcedureVersions.Where(p => p.Code == definition.Code).Select(p => p.Version).ToListAsync(cancellationToken);
        var numbered = WithKnownLayout(definition with { Version = NextVersion(definition.Version, versions) });
        var row = NewRow(numbered, ProcedureStatus.Draft, savedBy);
        db.ProcedureVersions.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return (row, await ValidateAsync(numbered, cancellationToken));
    }

    /// <summary>
    /// Replaces the content of the procedure's draft; its version number stays. With <paramref name="ifMatch"/>, only
    /// the draft that ETag names is replaced (<see cref="StaleDraftException"/> otherwise); without it, the last save wins.
    /// </summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> UpdateDraftAsync(
        string code, ProcedureDefinition definition, string? savedBy, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        while (true)
        {
            var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
            CheckIfMatch(row, ifMatch);
            var numbered = WithKnownLayout(definition with { Version = row.Version });
            row.Json = DefinitionJson.Serialize(numbered);
            row.ContentHash = DefinitionInput.ContentHash(numbered);
            row.Name = numbered.Name;
            row.EffectiveFrom = numbered.EffectiveFrom;
            row.Revision++;
            Describe(row, numbered);
            MarkSaved(row, savedBy);
            if (await TrySaveAsync(row, ifMatch, cancellationToken))
            {
                return (row, await ValidateAsync(numbered, cancellationToken));
            }
        }
    }

    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> ValidateDraftAsync(string code, CancellationToken cancellationToken)
    {
        var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
        return (row, await ValidateAsync(Definition(row), cancellationToken));
    }

    /// <summary>
    /// Publishes the draft unless it has problems; the problems are returned instead. With <paramref name="ifMatch"/>,
    /// only the draft that ETag names is published (<see cref="StaleDraftException"/> otherwise).
    /// </summary>
    public async Task<(ProcedureVersionRow Row, IReadOnlyList<ValidationProblem> Problems)> PublishDraftAsync(
        string code, string? savedBy, string? ifMatch, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await DraftAsync(code, cancellationToken) ?? throw new NotFoundException($"Procedure {code} has no draft.");
            CheckIfMatch(row, ifMatch);
            var definition = Definition(row);
            var problems = await ValidateAsync(definition, cancellationToken);
            if (problems.Count > 0)
            {
                return (row, problems);
            }

            row.Status = ProcedureStatus.Published;
            row.PublishedAt = time.GetUtcNow();
            MarkSaved(row, savedBy);
            if (await TrySaveAsync(row, ifMatch, cancellationToken))
            {
                registry.Publish(definition);
                return (row, problems);
            }
        }
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

    /// <summary>
    /// Discards the draft of <paramref name="code"/> (published versions stay); false when there is none. With
    /// <paramref name="ifMatch"/>, only the draft that ETag names is discarded (<see cref="StaleDraftException"/> otherwise).
    /// </summary>
    public async Task<bool> DiscardDraftAsync(string code, string? ifMatch, CancellationToken cancellationToken)
    {
        var drafts = db.ProcedureVersions.Where(p => p.Code == code && p.Status == ProcedureStatus.Draft);
        if (ifMatch is null)
        {
            return await drafts.ExecuteDeleteAsync(cancellationToken) > 0;
        }

        var row = await DraftAsync(code, cancellationToken);
        if (row is null)
        {
            return false;
        }

        CheckIfMatch(row, ifMatch);
        // The revision in the condition: a save between the check and the delete is not discarded unseen.
        if (await drafts.Where(p => p.Revision == row.Revision).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            return true;
        }

        db.ChangeTracker.Clear();
        var current = await DraftAsync(code, cancellationToken);
        return current is null ? false : throw new StaleDraftException(current);
    }

    /// <summary>The ETag of a draft: its content hash and revision, quoted. It changes with every save.</summary>
    public static string ETag(ProcedureVersionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{row.ContentHash}-{row.Revision}\"");
    }

    /// <summary>Whether an If-Match header value (one or more ETags, or *) names the draft as it is now.</summary>
    private static void CheckIfMatch(ProcedureVersionRow row, string? ifMatch)
    {
        if (ifMatch is null)
        {
            return;
        }

        var current = ETag(row);
        var matches = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == current || tag == "W/" + current);
        if (!matches)
        {
            throw new StaleDraftException(row);
        }
    }

    /// <summary>
    /// Saves the draft; false when another save changed it since it was read (its revision moved) and the caller sent
    /// no If-Match, so the change is applied again on the new content, as before ETags (the last save wins).
    /// </summary>
    private async Task<bool> TrySaveAsync(ProcedureVersionRow row, string? ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            if (ifMatch is null)
            {
                return false;
            }

            var current = await DraftAsync(row.Code, cancellationToken) ?? throw new NotFoundException($"Procedure {row.Code} has no draft.");
            throw new StaleDraftException(current);
        }
    }

    private void MarkSaved(ProcedureVersionRow row, string? savedBy)
    {
        row.SavedBy = savedBy;
        row.SavedAt = time.GetUtcNow();
    }

    /// <summary>The catalogue's columns of <paramref name="definition"/>: folded name, field, departments of its steps.</summary>
    private static void Describe(ProcedureVersionRow row, ProcedureDefinition definition)
    {
        row.SearchName = SearchText.Fold(definition.Name);
        row.Field = definition.Field;
        var departments = definition.Flowchart.Nodes.OfType<StepNode>().Select(s => s.Department).Distinct(StringComparer.Ordinal).ToList();
        row.Departments = departments.Count == 0 ? "" : $"|{string.Join('|', departments)}|";
    }

    private static ProcedureDefinition WithKnownLayout(ProcedureDefinition definition) =>
        definition.Layout is { } layout ? definition with { Layout = layout.WithoutUnknownNodes(definition.Flowchart) } : definition;

    private Task<ProcedureVersionRow?> DraftAsync(string code, CancellationToken cancellationToken) =>
        db.ProcedureVersions.SingleOrDefaultAsync(p => p.Code == code && p.Status == ProcedureStatus.Draft, cancellationToken);

    private async Task<HashSet<string>> KnownCodesAsync(CancellationToken cancellationToken) =>
        new(await db.ProcedureVersions.Select(p => p.Code).Distinct().ToListAsync(cancellationToken), StringComparer.Ordinal);

    // Days and hours compare in the calendar's working day, as due times are counted.
    private ValidationContext Context(IReadOnlySet<string> procedures) => new(directory.KnownIds, folder.Templates, procedures, calendar.HoursPerWorkingDay);

    private ProcedureVersionRow NewRow(ProcedureDefinition definition, string status, string? savedBy)
    {
        var row = new ProcedureVersionRow
        {
            Code = definition.Code,
            Version = definition.Version,
            EffectiveFrom = definition.EffectiveFrom,
            Name = definition.Name,
            Status = status,
            Json = DefinitionJson.Serialize(definition),
            ContentHash = DefinitionInput.ContentHash(definition),
            CreatedAt = time.GetUtcNow(),
            SavedBy = savedBy,
        };
        row.SavedAt = row.CreatedAt;
        Describe(row, definition);
        return row;
    }

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
