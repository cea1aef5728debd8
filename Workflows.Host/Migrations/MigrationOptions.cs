using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Migrations;

/// <summary>Section "Migrations": the worker that applies migration runs of running dossiers.</summary>
internal sealed class MigrationOptions
{
    public const string Section = "Migrations";

    /// <summary>Instances one pass reads and moves (each in its own commit).</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000.")]
    public int BatchSize { get; set; } = 500;

    /// <summary>How often running migrations are looked for when the last pass found nothing to do.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "must be a time span between 00:00:00.010 and 01:00:00.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
