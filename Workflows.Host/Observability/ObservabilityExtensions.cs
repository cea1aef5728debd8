using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>
    /// OpenTelemetry traces and metrics: ASP.NET Core, HttpClient (webhooks) and Npgsql instrumentation plus the
    /// Host's own spans and meters (<see cref="HostTelemetry"/>, and the runtime's gauges); exported by OTLP when
    /// an endpoint is configured, and scraped by Prometheus at <see cref="ObservabilityOptions.PrometheusPath"/>.
    /// Spans are recorded only when they go somewhere (<see cref="ObservabilityOptions.Tracing"/>).
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddValidatedOptions<ObservabilityOptions>(builder.Configuration, ObservabilityOptions.Section);
        builder.Services.AddSingleton<HostTelemetry>();

        var otlpEndpoint = !string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? options.OtlpEndpoint : builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("workflows-host"));
        if (options.Tracing ?? !string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(HostTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrape(context, options))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(HostTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation();
            if (options.Prometheus)
            {
                // Every scrape sees the current values (the gauges keep their own sample interval).
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            }
        });

        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            telemetry.UseOtlpExporter(OtlpExportProtocol.Grpc, new Uri(options.OtlpEndpoint));
        }
        else if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint (anonymous, like /health: counts and durations, no personal data).</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ObservabilityOptions>>().Value;
        if (options.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath).AllowAnonymous();
        }

        return app;
    }

    private static bool IsScrape(HttpContext context, ObservabilityOptions options) =>
        options.Prometheus && context.Request.Path.Equals(options.PrometheusPath, StringComparison.OrdinalIgnoreCase);
}
