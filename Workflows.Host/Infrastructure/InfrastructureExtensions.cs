using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Workflows.Host.Infrastructure;

internal static class InfrastructureExtensions
{
    /// <summary>Structured JSON console logs (one object per line).</summary>
    public static WebApplicationBuilder AddJsonLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });
        return builder;
    }

    /// <summary>ProblemDetails for every error, the exception handler, and the OpenAPI document.</summary>
    public static IServiceCollection AddApiInfrastructure(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        // Enums travel as camelCase names ("workingDays"), as in procedure files.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        return services;
    }

    public static WebApplication UseApiInfrastructure(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Refuses (400) NUL characters, lone surrogates and numbers no database can hold in any query value or JSON
    /// body (<see cref="RequestTextGuard"/>). After authentication, so an anonymous caller learns nothing.
    /// </summary>
    public static WebApplication UseRequestTextGuard(this WebApplication app)
    {
        app.UseMiddleware<RequestTextGuardMiddleware>();
        return app;
    }

    /// <summary><c>/openapi/v1.json</c> and a browsable page at <c>/swagger</c>.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Workflows v1");
            o.RoutePrefix = "swagger";
            o.DocumentTitle = "Workflows API";
        });
        return app;
    }

    /// <summary><c>/health</c>: 200 when the database answers, 503 otherwise.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), e.Value.Description }),
                });
            },
        }).AllowAnonymous();
        return app;
    }
}
