namespace Workflows.Host.Access;

/// <summary>Section "Access".</summary>
internal sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// Key for a first administrator, created at start-up when no administrator exists (for production
    /// set-up; give it through an environment variable, never in a committed file). Empty: none.
    /// </summary>
    public string? BootstrapAdministratorKey { get; set; }
}
