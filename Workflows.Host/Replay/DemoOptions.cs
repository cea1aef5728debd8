using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Replay;

/// <summary>
/// Section "Demo": the generated history a first run in Development seeds (never in another environment), so reports
/// and the Designer's pages show real-looking data. <c>Demo__Seed=false</c> turns it off.
/// </summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the history when the Host starts in Development on a database without any dossier (default).</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Calendar days of history, ending now. Default 91 (three months).</summary>
    [Range(1, 3660, ErrorMessage = "must be between 1 and 3660.")]
    public int Days { get; set; } = 91;

    /// <summary>
    /// Mean dossiers a working day brings. Default 6: about 400 dossiers over three months. Measured on the shared
    /// 2-core machine under load (average 30), 691 dossiers took 189 s on SQLite with reports non-empty after 23 s
    /// (dossiers in progress); 6 a day about halves the whole seeding.
    /// </summary>
    [Range(0.1, 100_000, ErrorMessage = "must be between 0.1 and 100000.")]
    public double DossiersPerWorkingDay { get; set; } = 6;

    /// <summary>The workload generator's seed: the same seed gives the same history.</summary>
    public int RandomSeed { get; set; } = 2026;
}
