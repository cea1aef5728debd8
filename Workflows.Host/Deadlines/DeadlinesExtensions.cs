using Workflows.Host.Calendars;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Deadlines;

internal static class DeadlinesExtensions
{
    /// <summary>Calendar edits, the late-warning and apology sweep, and the apology letters.</summary>
    public static IServiceCollection AddDeadlineFlows(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<DeadlineFlowOptions>(configuration, DeadlineFlowOptions.Section);
        services.AddScoped<DueTimeRecalculator>();
        services.AddScoped<DueTimeRecount>();
        services.AddScoped<Documents.IDocumentForm, ApologyLetterForm>();
        services.AddSingleton<DeadlineSweep>();
        if (OptionsBinding.Read<RuntimeOptions>(configuration, RuntimeOptions.Section).Background)
        {
            services.AddHostedService(p => p.GetRequiredService<DeadlineSweep>());
        }

        return services;
    }

    public static IEndpointRouteBuilder MapDeadlinesApi(this IEndpointRouteBuilder app)
    {
        app.MapCalendarsApi();
        app.MapApologiesApi();
        return app;
    }

    /// <summary>After the migration: calendar years stored through the API override the files.</summary>
    public static async Task LoadStoredCalendarsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        await services.GetRequiredService<CalendarProvider>().ReloadAsync(db, cancellationToken);
    }
}
