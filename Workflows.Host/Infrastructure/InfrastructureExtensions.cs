using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.OpenApi;

namespace Workflows.Host.Infrastructure;

internal static class InfrastructureExtensions
{
    /// <summary>
    /// Console logs: structured JSON (one object per line, for a log collector) everywhere but Development, where a
    /// person reads them in a terminal (one line per message with its time and level).
    /// </summary>
    public static WebApplicationBuilder AddConsoleLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            return builder;
        }

        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        });
        return builder;
    }

    /// <summary>The OpenAPI document's description: where the time rules every due time follows are written down.</summary>
    public const string TimeRulesDescription =
        "Workflows for public administrative service centres. Every due time, appointment and working-time figure follows " +
        "the time rules in docs/time-rules.md (sessions and half days, the cut-off and same-day procedures, due times at " +
        "session boundaries, pauses and calendar edits, with worked examples).";

    /// <summary>ProblemDetails for every error, the exception handler, and the OpenAPI document.</summary>
    public static IServiceCollection AddApiInfrastructure(this IServiceCollection services)
    {
        // Every problem carries a stable code (ApiProblemCodes) a client can say in its user's language.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblemCodes.AddCodeByStatus);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Integrators read the time rules (sessions, cut-off, boundary instants, pauses) from the description.
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Description = TimeRulesDescription;
                return Task.CompletedTask;
            });
            // The web JSON defaults also read numbers written as strings, so the generator types every number as
            // "integer or string" with a pattern; clients generated from that take page=1 as a string. Numbers are
            // documented as numbers: that is what callers send and what the Host answers.
            o.AddSchemaTransformer((schema, _, _) =>
            {
                if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String)
                    && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
                {
                    schema.Type = type & ~JsonSchemaType.String;
                    schema.Pattern = null;
                }

                return Task.CompletedTask;
            });
        });
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
