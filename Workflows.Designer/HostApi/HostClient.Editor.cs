using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Workflows.Engine.Calendar;

namespace Workflows.Designer.HostApi;

/// <summary>A problem the Host found in a stored version (its validator's path, code and message).</summary>
public sealed record EditorProblemDto(string Path, string Code, string Message);

/// <summary>A version with its content and the ETag to send back as If-Match when saving over it.</summary>
public sealed record EditorDocument(DefinitionVersion Version, string? ETag);

public sealed record EditorNodeChange(string Id, string Kind, string? Name);

public sealed record EditorConnection(string From, string To, string? Outcome);

/// <summary>What changes between two versions (GET /api/definitions/{code}/diff).</summary>
public sealed record EditorDiff(
    string Code, int From, int To,
    IReadOnlyList<EditorNodeChange> NodesAdded, IReadOnlyList<EditorNodeChange> NodesRemoved, IReadOnlyList<EditorNodeChange> NodesChanged,
    IReadOnlyList<EditorConnection> ConnectionsAdded, IReadOnlyList<EditorConnection> ConnectionsRemoved,
    decimal LongestPathHoursBefore, decimal LongestPathHoursAfter);

public sealed partial class HostClient
{
    /// <summary>One version with its content and ETag.</summary>
    public async Task<EditorDocument> GetVersionAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, VersionPath(code, version)), cancellationToken);
        return new EditorDocument(await ReadAsync<DefinitionVersion>(response, cancellationToken), ETagOf(response));
    }

    /// <summary>A new procedure's first draft (POST /api/definitions).</summary>
    public Task<EditorDocument> CreateDraftAsync(string procedureJson, CancellationToken cancellationToken = default) =>
        SendProcedureAsync(HttpMethod.Post, "api/definitions", procedureJson, null, cancellationToken);

    /// <summary>
    /// Replaces the draft, only if it is still <paramref name="ifMatch"/> (the ETag the editor loaded or last saved); the
    /// Host answers 412 (savedBy, savedAt, currentETag) when someone saved it meanwhile.
    /// </summary>
    public Task<EditorDocument> SaveDraftAsync(string code, string procedureJson, string? ifMatch, CancellationToken cancellationToken = default) =>
        SendProcedureAsync(HttpMethod.Put, $"api/definitions/{Uri.EscapeDataString(code)}/draft", procedureJson, ifMatch, cancellationToken);

    /// <summary>A procedure file uploaded by the user, stored as a draft (POST /api/definitions/import).</summary>
    public Task<EditorDocument> ImportAsync(string procedureJson, CancellationToken cancellationToken = default) =>
        SendProcedureAsync(HttpMethod.Post, "api/definitions/import", procedureJson, null, cancellationToken);

    /// <summary>Publishes the draft (409 with its problems when it has any).</summary>
    public async Task<DefinitionVersion> PublishDraftAsync(string code, string? ifMatch, CancellationToken cancellationToken = default)
    {
        // With the ETag of the draft the confirmation was shown for: a draft someone saved since is not published
        // unseen (412 naming who saved it).
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/definitions/{Uri.EscapeDataString(code)}/draft/publish");
        if (ifMatch is not null && EntityTagHeaderValue.TryParse(ifMatch, out var tag))
        {
            request.Headers.IfMatch.Add(tag);
        }

        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<DefinitionVersion>(response, cancellationToken);
    }

    /// <summary>The version as the procedure file the Host exports.</summary>
    public async Task<string> ExportAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, VersionPath(code, version) + "/export"), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public Task<EditorDiff> GetDiffAsync(string code, int from, int to, CancellationToken cancellationToken = default) =>
        GetAsync<EditorDiff>(string.Create(CultureInfo.InvariantCulture, $"api/definitions/{Uri.EscapeDataString(code)}/diff?from={from}&to={to}"), cancellationToken);

    /// <summary>
    /// How many dossiers of the procedure are still being handled (no result yet) on <paramref name="version"/>: those a
    /// publish leaves on their version unless they are migrated. The Host counts them (only the total is read).
    /// </summary>
    public async Task<int> CountOpenDossiersAsync(string code, int version, CancellationToken cancellationToken = default)
    {
        var found = await GetAsync<DossierPage>(
            string.Create(CultureInfo.InvariantCulture, $"api/dossiers?procedure={Uri.EscapeDataString(code)}&version={version}&open=true&pageSize=1"), cancellationToken);
        return found.Total;
    }

    /// <summary>The length of a working day (hours) on the calendar of <paramref name="year"/> (7.5 h for the default sessions).</summary>
    public async Task<decimal> GetHoursPerWorkingDayAsync(int year, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"api/calendars/{year}")), cancellationToken);
        var file = CalendarFile.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return CalendarFile.ToCalendar([file]).HoursPerWorkingDay;
    }

    private static string VersionPath(string code, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"api/definitions/{Uri.EscapeDataString(code)}/versions/{version}");

    private async Task<EditorDocument> SendProcedureAsync(HttpMethod method, string path, string procedureJson, string? ifMatch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(procedureJson, Encoding.UTF8, "application/json") };
        if (ifMatch is not null && EntityTagHeaderValue.TryParse(ifMatch, out var tag))
        {
            request.Headers.IfMatch.Add(tag);
        }

        using var response = await SendAsync(request, cancellationToken);
        return new EditorDocument(await ReadAsync<DefinitionVersion>(response, cancellationToken), ETagOf(response));
    }

    private static string? ETagOf(HttpResponseMessage response) => response.Headers.ETag?.ToString();

    private sealed record DossierPage(int Total);
}
