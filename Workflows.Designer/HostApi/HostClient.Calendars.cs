using System.Net.Http.Json;
using Workflows.Engine.Calendar;

namespace Workflows.Designer.HostApi;

/// <summary>A calendar year the Host has loaded: from its file or stored by an administrator's edit.</summary>
public sealed record CalendarYear(int Year, bool Provisional, string Source, DateTimeOffset? UpdatedAt, string? UpdatedBy);

public sealed record CalendarYears(IReadOnlyList<CalendarYear> Years);

public sealed record MovedAppointment(string DossierCode, DateTimeOffset From, DateTimeOffset To);

/// <summary>What saving a year would move (the counts cover every open due time; the dossiers are the first ones).</summary>
public sealed record CalendarPreview(int Year, bool Provisional, int TasksMoved, int DossiersMoved, int TimersMoved, IReadOnlyList<MovedAppointment> Dossiers)
{
    public int Total => TasksMoved + DossiersMoved + TimersMoved;
}

public sealed record CalendarSaved(int Year, bool Provisional, DateTimeOffset UpdatedAt, string UpdatedBy, int TasksMoved, int DossiersMoved, int TimersMoved);

public sealed partial class HostClient
{
    public Task<CalendarYears> GetCalendarYearsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<CalendarYears>("api/calendars", cancellationToken);

    /// <summary>One year as the engine's calendar file model (GET /api/calendars/{year}).</summary>
    public async Task<CalendarFile> GetCalendarAsync(int year, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/calendars/{year}"), cancellationToken);
        return CalendarFile.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>How many open due times saving <paramref name="file"/> would move; nothing is saved.</summary>
    public Task<CalendarPreview> PreviewCalendarAsync(CalendarFile file, CancellationToken cancellationToken = default) =>
        SendCalendarAsync<CalendarPreview>(HttpMethod.Post, $"api/calendars/{file.Year}/preview", file, cancellationToken);

    /// <summary>Replaces the year; the Host moves the open due times.</summary>
    public Task<CalendarSaved> SaveCalendarAsync(CalendarFile file, CancellationToken cancellationToken = default) =>
        SendCalendarAsync<CalendarSaved>(HttpMethod.Put, $"api/calendars/{file.Year}", file, cancellationToken);

    // A calendar is written in the file format (the engine's options), as the Host reads it.
    private async Task<T> SendCalendarAsync<T>(HttpMethod method, string path, CalendarFile file, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(file, options: CalendarFile.Options) };
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }
}
