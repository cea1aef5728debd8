using Workflows.Host.Access;

namespace Workflows.Host.Definitions;

/// <summary>The departments principals may be given (Access asks, <see cref="IKnownDepartments"/>): those of departments.json.</summary>
internal sealed class DirectoryDepartments(DepartmentDirectory directory) : IKnownDepartments
{
    private readonly HashSet<string> ids = directory.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    public bool Exists(string id) => ids.Contains(id);
}
