using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Observability;

/// <summary>Section "Observability": where traces and metrics go.</summary>
internal sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// OTLP endpoint (gRPC, e.g. <c>http://otel-collector:4317</c>) that receives traces and metrics. Empty: no OTLP
    /// export (the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is honoured too).
    /// </summary>
    [Url]
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Record traces (spans of requests, commits and SQL). Default: only when an OTLP endpoint is configured (here or by
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): spans nobody exports cost every request and SQL command their recording, and
    /// the Host's memory at rest the code that does it (issue 13, S5).
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="PrometheusPath"/> (default on).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    [RegularExpression("^/[A-Za-z0-9/_-]*$", ErrorMessage = "Observability:PrometheusPath must be a path such as /metrics.")]
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// How long a sample of the gauges read from the database (outbox backlog, dead letters, overdue steps, pending
    /// timers) is reused, so frequent scrapes do not each query the database.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Observability:GaugeSampleInterval must be between 00:00:00 and 01:00:00.")]
    public TimeSpan GaugeSampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
