using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Calendars;

namespace Workflows.Host.Runtime;

internal static class EngineExtensions
{
    /// <summary>The engine, its clock and working calendar, the published-version registry and the runner.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        // From <definitions>/calendars/*.json; the standard week without holidays (and a warning) when there is none.
        // Stored years (calendars table, loaded after the migration) override the files; edits swap it (Deadlines).
        services.AddSingleton(p => CalendarProvider.FromFolder(
            p.GetRequiredService<Definitions.DefinitionFolder>().Path,
            p.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Host.Calendar")));
        services.AddTransient(p => p.GetRequiredService<CalendarProvider>().Current);
        services.AddSingleton(p => DeadlinesOptions.Rule(p.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IDeadlineCalculator, CurrentCalendarDeadlines>();
        services.AddSingleton<DefinitionRegistry>();
        services.AddSingleton<IProcedureResolver>(p => p.GetRequiredService<DefinitionRegistry>());
        services.AddSingleton(p => new WorkflowEngine(
            p.GetRequiredService<IDeadlineCalculator>(),
            p.GetRequiredService<TimeProvider>(),
            procedures: p.GetRequiredService<IProcedureResolver>()));
        services.AddScoped<WorkflowRunner>();
        return services;
    }
}
