using System.Security.Claims;

namespace Workflows.Host.Access;

/// <summary>The roles a principal can hold.</summary>
internal static class Roles
{
    public const string Intake = "intake";
    public const string Designer = "designer";
    public const string Administrator = "administrator";
    public const string Officer = "officer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Intake, Designer, Administrator, Officer };
}

/// <summary>Authorization policies; every endpoint names one explicitly.</summary>
internal static class Policies
{
    /// <summary>Intake systems (the one-stop desk software, the national portal).</summary>
    public const string Intake = "intake";

    /// <summary>Process designers, and administrators who may do what they do.</summary>
    public const string Designer = "designer";

    public const string Administrator = "administrator";

    /// <summary>Officers working their departments' queues.</summary>
    public const string Officer = "officer";

    /// <summary>Any signed-in user of the centre (designer, administrator, officer): reading dossiers.</summary>
    public const string Staff = "staff";

    /// <summary>Officers and administrators: acting on dossiers in progress (stop, apology letters).</summary>
    public const string DossierHandler = "dossier-handler";

    /// <summary>Staff and intake systems: reading the working calendar the dossiers are counted on (read-only).</summary>
    public const string CalendarReader = "calendar-reader";

    /// <summary>Staff and intake systems: reading the centre's directories (reception points) that intake requests name.</summary>
    public const string DirectoryReader = "directory-reader";
}

internal static class WorkflowsClaims
{
    public const string Department = "department";
    public const string Kind = "principal_kind";

    public static IReadOnlySet<string> Departments(this ClaimsPrincipal user) =>
        user.FindAll(Department).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
