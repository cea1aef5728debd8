using Workflows.Host.Access;

namespace Workflows.Host.Definitions;

/// <summary>The departments principals may be given (Access asks, <see cref="IKnownDepartments"/>): the active ones of the directory.</summary>
internal sealed class DirectoryDepartments(DepartmentDirectory directory) : IKnownDepartments
{
    public bool Exists(string id) => directory.IsActive(id);
}
