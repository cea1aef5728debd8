namespace Workflows.Host.Access;

/// <summary>
/// The departments a principal may be given. The department directory lives in Definitions, a layer above Access
/// (docs/architecture.md), so Access names what it needs here and Definitions provides it (AddDefinitions).
/// </summary>
internal interface IKnownDepartments
{
    bool Exists(string id);
}
