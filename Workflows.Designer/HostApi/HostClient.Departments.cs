namespace Workflows.Designer.HostApi;

/// <summary>A department of the centre, as the Host lists it (<c>kind</c> "desk" is the one-stop desk).</summary>
public sealed record Department(string Id, string Name, string? NameEn, string? Kind);

public sealed partial class HostClient
{
    /// <summary>Every department (GET /api/departments), for pickers and lane titles.</summary>
    public Task<IReadOnlyList<Department>> GetDepartmentsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<Department>>("api/departments", cancellationToken);
}
