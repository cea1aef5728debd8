namespace Workflows.Designer.Components.Administration;

/// <summary>
/// A step as an administrator knows it: its name in a version ("Tiếp nhận hồ sơ"), not its node id ("intake"). A node
/// without a name, or missing from the version, shows its id.
/// </summary>
internal static class StepNames
{
    public static string NameOf(this IReadOnlyDictionary<string, string> names, string id) =>
        names.TryGetValue(id, out var name) && name.Length > 0 ? name : id;
}
