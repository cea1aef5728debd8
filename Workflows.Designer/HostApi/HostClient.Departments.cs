using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Workflows.Designer.HostApi;

/// <summary>
/// A department of the centre, as the Host lists it (<c>kind</c> "desk" is the one-stop desk); <see cref="Revision"/>
/// is what an edit's If-Match names, so that an administrator never saves over another's edit unknowingly.
/// </summary>
public sealed record Department(string Id, string Name, string? NameEn, string? Kind, string? Parent = null, int? Level = null, bool Active = true, int Revision = 0);

/// <summary>A department as an administrator creates or edits it (the id only counts when creating: it never changes).</summary>
public sealed record DepartmentEdit(string? Id, string Name, string? NameEn, string? Kind, string? Parent, int? Level, bool Active);

public sealed partial class HostClient
{
    /// <summary>The active departments (GET /api/departments), for pickers and lane titles.</summary>
    public Task<IReadOnlyList<Department>> GetDepartmentsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<Department>>("api/departments", cancellationToken);

    /// <summary>Every department, inactive ones too (the administration page).</summary>
    public Task<IReadOnlyList<Department>> GetAllDepartmentsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<Department>>("api/departments?all=true", cancellationToken);

    /// <summary>Creates a department (administrators; 400 naming the field, 409 when the id exists).</summary>
    public Task<Department> CreateDepartmentAsync(DepartmentEdit department, CancellationToken cancellationToken = default) =>
        SendJsonAsync<Department>(HttpMethod.Post, "api/departments", department, cancellationToken);

    /// <summary>
    /// Saves a department as read at <paramref name="revision"/> (412 when someone edited it since; 409 when it is
    /// deactivated while still in use).
    /// </summary>
    public async Task<Department> UpdateDepartmentAsync(string id, DepartmentEdit department, int revision, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/departments/{Uri.EscapeDataString(id)}")
        {
            Content = JsonContent.Create(department with { Id = null }, options: Json),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision.ToString(CultureInfo.InvariantCulture)}\""));
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<Department>(response, cancellationToken);
    }
}
