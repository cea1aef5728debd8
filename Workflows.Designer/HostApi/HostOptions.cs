using System.ComponentModel.DataAnnotations;

namespace Workflows.Designer.HostApi;

/// <summary>Where the Designer finds the Host (setting <c>Host:BaseUrl</c>, e.g. <c>Host__BaseUrl</c>).</summary>
internal sealed class HostOptions
{
    public const string Section = "Host";

    [Required(ErrorMessage = "Host:BaseUrl is required: the address of the Workflows Host, e.g. http://127.0.0.1:5080.")]
    public Uri? BaseUrl { get; set; }

    /// <summary>How long one call to the Host may take before the page shows that the Host did not answer.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;
}
