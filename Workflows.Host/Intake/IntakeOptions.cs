using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Intake;

/// <summary>Section "Intake".</summary>
internal sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>
    /// The agency code that starts our dossier codes (&lt;agency&gt;-&lt;YYMMDD&gt;-&lt;sequence&gt;). This default is a
    /// placeholder: each province sets its own unit code from the national list of agency codes.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "is required (the agency part of dossier codes).")]
    [RegularExpression(@"^[A-Za-z0-9.]{1,30}$", ErrorMessage = "may hold only letters, digits and dots (at most 30), as in 000.00.00.H00.")]
    public string AgencyCode { get; set; } = "000.00.00.H00";

    /// <summary>Largest intake request body accepted, in bytes (default 256 KiB); larger ones get 413.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "must be between 1024 and 67108864 bytes.")]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;
}
