using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;
using DefinitionProblem = Workflows.Engine.Validation.ValidationProblem;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

internal sealed record ProblemDto(string Path, string Code, string Message);

internal sealed record DefinitionVersionDto(
    string Code,
    int Version,
    string Name,
    string Status,
    DateOnly EffectiveFrom,
    string ContentHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt,
    IReadOnlyList<ProblemDto>? Problems = null,
    JsonNode? Definition = null);

internal sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>/api/definitions: the procedure catalogue, drafts, publishing, diffs, import and export.</summary>
internal static class DefinitionsApi
{
    public static IEndpointRouteBuilder MapDefinitionsApi(this IEndpointRouteBuilder app)
    {
        var definitions = app.MapGroup("/api/definitions").WithTags("Definitions");
        var api = definitions.MapGroup("").RequireAuthorization(Access.Policies.Designer);

        // Every member of staff reads the catalogue and the procedure in force (officers see the process they work
        // in, read-only); drafts, versions and every change stay with designers.
        definitions.MapGet("/", Search).RequireAuthorization(Access.Policies.Staff).WithSummary(
            "The catalogue: each procedure by its latest version, searched by code or name without diacritics, filtered by field, department and status (draft, published, both), sorted (code, name, updatedAt; - for descending) and paged");
        api.MapPost("/", CreateDraft).Accepts<JsonObject>("application/json").WithSummary("Create a draft from procedure JSON");
        api.MapPost("/import", CreateDraft).Accepts<JsonObject>("application/json").WithSummary("Import a procedure file as a draft");
        api.MapPost("/validate", ValidateBody).Accepts<JsonObject>("application/json").WithSummary("Validate procedure JSON without storing it");
        api.MapGet("/node-kinds", NodeKindList)
            .WithSummary("Every node kind of the engine: its properties (type, required, default) and outcomes, for the editor's palette and forms");
        api.MapGet("/schema", Schema).Produces<JsonObject>(StatusCodes.Status200OK, "application/schema+json")
            .WithSummary("The procedure file's JSON schema (procedure.schema.json of the definitions folder)");
        definitions.MapGet("/{code}", GetLatest).RequireAuthorization(Access.Policies.Staff).WithSummary("Latest published version");
        api.MapGet("/{code}/versions", Versions).WithSummary("Every version, drafts included");
        api.MapGet("/{code}/versions/{version:int}", GetVersion).WithSummary("One version (a draft with its ETag, for If-Match)");
        api.MapGet("/{code}/versions/{version:int}/export", Export).Produces<ProcedureDefinition>(StatusCodes.Status200OK, "application/json")
            .WithSummary("The version as a procedure file");
        api.MapPut("/{code}/draft", UpdateDraft).Accepts<JsonObject>("application/json")
            .WithSummary("Replace the draft's content; with If-Match, only the draft that ETag names (412 naming who saved it since); without, the last save wins");
        api.MapDelete("/{code}/draft", DiscardDraft)
            .WithSummary("Discard the draft (published versions stay); with If-Match, only the draft that ETag names (412 otherwise); without, whatever it holds");
        api.MapPost("/{code}/draft/validate", ValidateDraft).WithSummary("Problems of the draft");
        api.MapPost("/{code}/draft/publish", PublishDraft)
            .WithSummary("Publish the draft (409 when it has problems); with If-Match, only the draft that ETag names (412 otherwise); without, whatever it holds");
        api.MapGet("/{code}/diff", Diff).WithSummary("Nodes and connections changed between two versions");
        return app;
    }

    private static Ok<IReadOnlyList<NodeKindDto>> NodeKindList() => TypedResults.Ok(NodeKinds.All);

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Schema(DefinitionFolder folder)
    {
        var file = Path.Combine(folder.Path, "procedure.schema.json");
        return File.Exists(file)
            ? TypedResults.PhysicalFile(file, "application/schema+json")
            : NotFound("The definitions folder has no procedure.schema.json.");
    }

    private static async Task<Results<Ok<PageDto<CatalogueItemDto>>, ValidationProblem>> Search(
        DefinitionCatalogue catalogue,
        CancellationToken cancellationToken,
        string? search = null,
        string? field = null,
        string? department = null,
        string? status = null,
        string? sort = null,
        int page = 1,
        int pageSize = 20)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > InputLimits.MaxPage)
        {
            errors["page"] = [InputLimits.PageMessage];
        }

        if (pageSize is < 1 or > 200)
        {
            errors["pageSize"] = ["Page size is between 1 and 200."];
        }

        if (!CatalogueQuery.TryParseSort(sort, out var sortBy, out var descending))
        {
            errors["sort"] = [$"'{sort}' is not a sort order: code, name or updatedAt, with - in front for descending."];
        }

        CatalogueStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (Enum.TryParse<CatalogueStatus>(status, ignoreCase: true, out var parsed) && char.IsLetter(status[0]))
            {
                statusFilter = parsed;
            }
            else
            {
                errors["status"] = [$"'{status}' is not a status: draft, published or both."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new CatalogueQuery(search, field, department, statusFilter, sortBy, descending, page, pageSize);
        var (items, total) = await catalogue.SearchAsync(query, cancellationToken);
        return TypedResults.Ok(new PageDto<CatalogueItemDto>(items, page, pageSize, total));
    }

    private static async Task<Results<Created<DefinitionVersionDto>, ValidationProblem, ProblemHttpResult>> CreateDraft(
        HttpRequest request, DefinitionCatalogue catalogue, IOptions<DefinitionsOptions> options, CancellationToken cancellationToken)
    {
        var loaded = await DefinitionInput.ReadAsync(request, options.Value.MaxFileBytes, cancellationToken);
        if (loaded is null)
        {
            return TooLarge(options.Value.MaxFileBytes);
        }

        if (Unstorable(loaded) is { } invalid)
        {
            return invalid;
        }

        var (row, problems) = await catalogue.CreateDraftAsync(loaded.Definition!, request.HttpContext.User.Identity?.Name, cancellationToken);
        request.HttpContext.Response.Headers.ETag = DefinitionCatalogue.ETag(row);
        return TypedResults.Created($"/api/definitions/{Uri.EscapeDataString(row.Code)}/versions/{row.Version}", Dto(row, problems, withDefinition: true));
    }

    private static async Task<Results<Ok<DefinitionVersionDto>, ValidationProblem, ProblemHttpResult>> UpdateDraft(
        string code, HttpRequest request, DefinitionCatalogue catalogue, IOptions<DefinitionsOptions> options, CancellationToken cancellationToken)
    {
        var loaded = await DefinitionInput.ReadAsync(request, options.Value.MaxFileBytes, cancellationToken);
        if (loaded is null)
        {
            return TooLarge(options.Value.MaxFileBytes);
        }

        if (Unstorable(loaded) is { } invalid)
        {
            return invalid;
        }

        if (loaded.Definition!.Code != code)
        {
            return Invalid([new DefinitionProblem("$.code", ProblemCodes.InvalidValue, $"The body is procedure '{loaded.Definition.Code}', not '{code}'.")]);
        }

        try
        {
            var (row, problems) = await catalogue.UpdateDraftAsync(code, loaded.Definition, request.HttpContext.User.Identity?.Name, IfMatch(request), cancellationToken);
            request.HttpContext.Response.Headers.ETag = DefinitionCatalogue.ETag(row);
            return TypedResults.Ok(Dto(row, problems, withDefinition: true));
        }
        catch (StaleDraftException stale)
        {
            return PreconditionFailed(stale);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<ProblemDto>>, ProblemHttpResult>> ValidateBody(
        HttpRequest request, DefinitionCatalogue catalogue, IOptions<DefinitionsOptions> options, CancellationToken cancellationToken)
    {
        var loaded = await DefinitionInput.ReadAsync(request, options.Value.MaxFileBytes, cancellationToken);
        if (loaded is null)
        {
            return TooLarge(options.Value.MaxFileBytes);
        }

        var problems = loaded.Succeeded ? await catalogue.ValidateAsync(loaded.Definition!, cancellationToken) : loaded.Problems;
        return TypedResults.Ok(Problems(problems));
    }

    private static async Task<Ok<IReadOnlyList<ProblemDto>>> ValidateDraft(string code, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var (_, problems) = await catalogue.ValidateDraftAsync(code, cancellationToken);
        return TypedResults.Ok(Problems(problems));
    }

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> PublishDraft(
        string code, HttpRequest request, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        ProcedureVersionRow row;
        IReadOnlyList<DefinitionProblem> problems;
        try
        {
            (row, problems) = await catalogue.PublishDraftAsync(code, request.HttpContext.User.Identity?.Name, IfMatch(request), cancellationToken);
        }
        catch (StaleDraftException stale)
        {
            return PreconditionFailed(stale);
        }

        if (problems.Count > 0)
        {
            return TypedResults.Problem(
                detail: $"Draft {code} v{row.Version} has {problems.Count} problem(s); fix them before publishing.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The draft has problems",
                extensions: ApiProblemCodes.With(ApiProblemCodes.DefinitionInvalid, Args(code),
                    new Dictionary<string, object?> { ["errors"] = Errors(problems), ["problems"] = Problems(problems) }));
        }

        return TypedResults.Ok(Dto(row));
    }

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> GetLatest(string code, DefinitionCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.LatestPublishedAsync(code, cancellationToken) is { } row
            ? TypedResults.Ok(Dto(row, withDefinition: true))
            : NotFound($"Procedure {code} has no published version.", ApiProblemCodes.ProcedureNotFound, Args(code));

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> GetVersion(
        string code, int version, HttpResponse response, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (await catalogue.VersionAsync(code, version, cancellationToken) is not { } row)
        {
            return NotFound($"Procedure {code} has no version {version}.", ApiProblemCodes.VersionNotFound, Args(code, version));
        }

        if (row.Status == ProcedureStatus.Draft)
        {
            response.Headers.ETag = DefinitionCatalogue.ETag(row);
        }

        return TypedResults.Ok(Dto(row, withDefinition: true));
    }

    private static async Task<Results<Ok<IReadOnlyList<DefinitionVersionDto>>, ProblemHttpResult>> Versions(string code, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var rows = await catalogue.VersionsAsync(code, cancellationToken);
        return rows.Count == 0
            ? NotFound($"Procedure {code} does not exist.", ApiProblemCodes.ProcedureNotFound, Args(code))
            : TypedResults.Ok<IReadOnlyList<DefinitionVersionDto>>([.. rows.Select(r => Dto(r))]);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(string code, int version, DefinitionCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.VersionAsync(code, version, cancellationToken) is { } row
            ? TypedResults.File(Encoding.UTF8.GetBytes(row.Json), "application/json", $"{row.Code}-v{row.Version}.json")
            : NotFound($"Procedure {code} has no version {version}.", ApiProblemCodes.VersionNotFound, Args(code, version));

    private static async Task<Results<Ok<DefinitionDiffDto>, ProblemHttpResult>> Diff(
        string code, [FromQuery] int from, [FromQuery] int to, DefinitionCatalogue catalogue, Engine.Calendar.WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var before = await catalogue.VersionAsync(code, from, cancellationToken);
        var after = await catalogue.VersionAsync(code, to, cancellationToken);
        if (before is null || after is null)
        {
            return NotFound($"Procedure {code} has no version {(before is null ? from : to)}.", ApiProblemCodes.VersionNotFound, Args(code, before is null ? from : to));
        }

        return TypedResults.Ok(DefinitionDiff.Compare(DefinitionCatalogue.Definition(before), DefinitionCatalogue.Definition(after), calendar.HoursPerWorkingDay));
    }

    /// <summary>
    /// 400 for JSON that cannot be read, and for a code or name that cannot be stored even in a draft (a code that is
    /// not a procedure code could never be reached again by its URL).
    /// </summary>
    private static ValidationProblem? Unstorable(LoadResult loaded)
    {
        if (!loaded.Succeeded)
        {
            return Invalid(loaded.Problems);
        }

        var problems = DefinitionValidator.StorageProblems(loaded.Definition!);
        return problems.Count > 0 ? Invalid(problems) : null;
    }

    private static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload too large",
        detail: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"A procedure file is limited to {maxBytes} bytes (Definitions:MaxFileBytes)."),
        // The limit as a number, so a client can say it in its user's language.
        extensions: ApiProblemCodes.With(ApiProblemCodes.DefinitionTooLarge, new Dictionary<string, object?> { ["maxBytes"] = maxBytes },
            new Dictionary<string, object?> { ["maxBytes"] = maxBytes }));

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardDraft(string code, HttpRequest request, DefinitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        try
        {
            return await catalogue.DiscardDraftAsync(code, IfMatch(request), cancellationToken)
                ? TypedResults.NoContent()
                : NotFound($"Procedure {code} has no draft.", ApiProblemCodes.DraftNotFound, Args(code));
        }
        catch (StaleDraftException stale)
        {
            return PreconditionFailed(stale);
        }
    }

    private static string? IfMatch(HttpRequest request) =>
        request.Headers.IfMatch.Count == 0 || string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()) ? null : request.Headers.IfMatch.ToString();

    /// <summary>412: the draft was saved since the caller read it; who saved it, when, and the ETag to send to overwrite it knowingly.</summary>
    private static ProblemHttpResult PreconditionFailed(StaleDraftException stale) => TypedResults.Problem(
        detail: stale.Message,
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The draft changed since it was read",
        extensions: ApiProblemCodes.With(ApiProblemCodes.StaleDraft,
            new Dictionary<string, object?> { ["procedure"] = stale.Code, ["savedBy"] = stale.SavedBy, ["savedAt"] = stale.SavedAt },
            new Dictionary<string, object?>
            {
                ["savedBy"] = stale.SavedBy,
                ["savedAt"] = stale.SavedAt,
                ["currentETag"] = stale.CurrentETag,
            }));

    private static ProblemHttpResult NotFound(string detail, string code = ApiProblemCodes.NotFound, IReadOnlyDictionary<string, object?>? args = null) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", extensions: ApiProblemCodes.With(code, args));

    /// <summary>The arguments of a problem about a procedure (and one of its versions).</summary>
    private static Dictionary<string, object?> Args(string procedure, int? version = null) => version is { } v
        ? new() { ["procedure"] = procedure, ["version"] = v }
        : new() { ["procedure"] = procedure };

    /// <summary>400 with errors keyed by JSON path (e.g. <c>$.flowchart.nodes[2].department</c>).</summary>
    private static ValidationProblem Invalid(IReadOnlyList<DefinitionProblem> problems) =>
        TypedResults.ValidationProblem(
            Errors(problems),
            title: "The procedure JSON could not be read",
            extensions: ApiProblemCodes.With(ApiProblemCodes.DefinitionUnreadable, others: new Dictionary<string, object?> { ["problems"] = Problems(problems) }));

    private static Dictionary<string, string[]> Errors(IReadOnlyList<DefinitionProblem> problems) =>
        problems.GroupBy(p => p.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);

    private static IReadOnlyList<ProblemDto> Problems(IReadOnlyList<DefinitionProblem> problems) =>
        [.. problems.Select(p => new ProblemDto(p.Path, p.Code, p.Message))];

    private static DefinitionVersionDto Dto(ProcedureVersionRow row, IReadOnlyList<DefinitionProblem>? problems = null, bool withDefinition = false) => new(
        row.Code,
        row.Version,
        row.Name,
        row.Status,
        row.EffectiveFrom,
        row.ContentHash,
        row.CreatedAt,
        row.PublishedAt,
        problems is null ? null : Problems(problems),
        withDefinition ? JsonNode.Parse(row.Json) : null);
}
