namespace Workflows.Host.Intake;

/// <summary>Section "Intake".</summary>
internal sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>
    /// The agency code that starts our dossier codes (&lt;agency&gt;-&lt;YYMMDD&gt;-&lt;sequence&gt;). This default is a
    /// placeholder: each province sets its own unit code from the national list of agency codes.
    /// </summary>
    public string AgencyCode { get; set; } = "000.00.00.H00";

    /// <summary>Largest intake request body accepted, in bytes (default 256 KiB); larger ones get 413.</summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;
}
