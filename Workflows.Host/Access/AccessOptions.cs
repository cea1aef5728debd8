using System.ComponentModel.DataAnnotations;

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

    /// <summary>Consecutive failed password sign-ins that lock an account (default 5).</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account refuses password sign-ins (default 15 minutes).</summary>
    [Range(1, 7 * 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How long a sign-in session lasts (default 10 hours: a working day and some).</summary>
    [Range(1, 30 * 24)]
    public int SessionHours { get; set; } = 10;
}
