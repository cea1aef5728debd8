using System.Text.Json.Nodes;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.HostApi;

/// <summary>What the catalogue asks for: search text (code or name, the Host folds diacritics), filters, sort and page.</summary>
public sealed record CatalogueQuery(
    string? Search = null,
    string? Field = null,
    string? Department = null,
    string? Status = null,
    string? Sort = null,
    int Page = 1,
    int PageSize = 20);

/// <summary>A time limit as the Host writes it (<c>{ "value": 15, "unit": "workingDays" }</c>).</summary>
public sealed record TimeLimitDto(decimal Value, string Unit);

/// <summary>
/// One procedure of the catalogue. The fields after <see cref="PublishedAt"/> come from the catalogue's richer listing
/// (field, competent body, departments, limits, both version numbers); they are null where the Host does not give them.
/// </summary>
public sealed record CatalogueItem(
    string Code,
    string Name,
    string? Status = null,
    int? Version = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? PublishedAt = null,
    string? Field = null,
    string? CompetentBody = null,
    IReadOnlyList<string>? Departments = null,
    TimeLimitDto? CommittedTimeLimit = null,
    TimeLimitDto? LegalTimeLimit = null,
    int? PublishedVersion = null,
    int? DraftVersion = null,
    DateTimeOffset? UpdatedAt = null)
{
    /// <summary>The last change: the Host's <c>updatedAt</c>, else when the latest version was published or created.</summary>
    public DateTimeOffset? LastChange => UpdatedAt ?? PublishedAt ?? CreatedAt;

    /// <summary>draft, published or both (a published procedure with a draft in progress).</summary>
    public string? EffectiveStatus => (PublishedVersion, DraftVersion) switch
    {
        (not null, not null) => "both",
        (not null, null) => "published",
        (null, not null) => "draft",
        _ => Status,
    };
}

public sealed record CatalogueResult(IReadOnlyList<CatalogueItem> Items, int Page, int PageSize, int Total);

/// <summary>One stored version of a procedure (GET /api/definitions/{code}/versions).</summary>
public sealed record DefinitionVersion(
    string Code,
    int Version,
    string Name,
    string Status,
    DateOnly EffectiveFrom,
    string ContentHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt,
    string? CreatedBy = null,
    string? PublishedBy = null,
    IReadOnlyList<EditorProblemDto>? Problems = null,
    JsonObject? Definition = null)
{
    public bool IsDraft => string.Equals(Status, "draft", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A file the Host hands out for download (an exported procedure version).</summary>
public sealed record DownloadedFile(string FileName, string ContentType, byte[] Content);

public sealed partial class HostClient
{
    /// <summary>The procedure catalogue, searched, filtered, sorted and paged by the Host (GET /api/definitions).</summary>
    public Task<CatalogueResult> SearchCatalogueAsync(CatalogueQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = new StringBuilder("api/definitions?");
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                path.Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim())).Append('&');
            }
        }

        Add("search", query.Search);
        Add("field", query.Field);
        Add("department", query.Department);
        Add("status", query.Status);
        Add("sort", query.Sort);
        Add("page", query.Page.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", query.PageSize.ToString(CultureInfo.InvariantCulture));
        return GetAsync<CatalogueResult>(path.ToString().TrimEnd('&'), cancellationToken);
    }

    /// <summary>Every version of a procedure, drafts included, oldest first.</summary>
    public Task<IReadOnlyList<DefinitionVersion>> GetVersionsAsync(string code, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<DefinitionVersion>>($"api/definitions/{Uri.EscapeDataString(code)}/versions", cancellationToken);

    /// <summary>One version with its content, read into the engine's model.</summary>
    public async Task<(DefinitionVersion Version, ProcedureDefinition Definition)> GetDefinitionVersionAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        var stored = await GetAsync<DefinitionVersion>($"api/definitions/{Uri.EscapeDataString(code)}/versions/{version}", cancellationToken);
        return (stored, Read(stored));
    }

    /// <summary>The latest published version with its content (404 as a problem when there is none).</summary>
    public async Task<(DefinitionVersion Version, ProcedureDefinition Definition)> GetLatestPublishedAsync(string code, CancellationToken cancellationToken = default)
    {
        var stored = await GetAsync<DefinitionVersion>($"api/definitions/{Uri.EscapeDataString(code)}", cancellationToken);
        return (stored, Read(stored));
    }

    /// <summary>A version as the procedure file the Host exports, with the file name it gives.</summary>
    public async Task<DownloadedFile> ExportVersionAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/definitions/{Uri.EscapeDataString(code)}/versions/{version}/export"), cancellationToken);
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
            ?? $"{code}-v{version}.json";
        return new DownloadedFile(name, response.Content.Headers.ContentType?.MediaType ?? "application/json", await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>Stores <paramref name="definition"/> as the procedure's draft: replaces the draft when there is one, else creates it.</summary>
    public Task<DefinitionVersion> SaveAsDraftAsync(ProcedureDefinition definition, bool replaceExisting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return replaceExisting
            ? SendContentAsync(HttpMethod.Put, $"api/definitions/{Uri.EscapeDataString(definition.Code)}/draft", DefinitionJson.Serialize(definition), cancellationToken)
            : SendContentAsync(HttpMethod.Post, "api/definitions", DefinitionJson.Serialize(definition), cancellationToken);
    }

    // The procedure file format (DefinitionJson), not the client's JSON options: enums and names as the Host reads files.
    private async Task<DefinitionVersion> SendContentAsync(HttpMethod method, string path, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<DefinitionVersion>(response, cancellationToken);
    }

    private static ProcedureDefinition Read(DefinitionVersion stored)
    {
        var loaded = stored.Definition is { } json ? DefinitionJson.Parse(json.ToJsonString()) : null;
        return loaded?.Definition ?? throw new HostProblemException(new HostProblem
        {
            Title = "The Host's answer could not be read.",
            Detail = loaded is null ? $"Procedure {stored.Code} v{stored.Version} came without its content." : string.Join("; ", loaded.Problems),
            Status = 502,
        });
    }
}

/// <summary>
/// The Host's diff of two versions (GET /api/definitions/{code}/diff): here for the time on the longest path, which the
/// Host counts in its calendar's working day; the Designer compares nodes and fields itself (DefinitionComparison).
/// </summary>
public sealed record VersionDiff(
    string Code,
    int From,
    int To,
    decimal LongestPathDaysBefore,
    decimal LongestPathDaysAfter,
    decimal? LongestPathChangePercent);

public sealed partial class HostClient
{
    public Task<VersionDiff> GetVersionDiffAsync(string code, int from, int to, CancellationToken cancellationToken = default) =>
        GetAsync<VersionDiff>($"api/definitions/{Uri.EscapeDataString(code)}/diff?from={from}&to={to}", cancellationToken);
}
