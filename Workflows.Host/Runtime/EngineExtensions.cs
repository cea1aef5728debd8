using Workflows.Engine.Expressions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;

namespace Workflows.Host.Runtime;

internal static class EngineExtensions
{
    /// <summary>The engine, its clock and working calendar, the published-version registry and the runner.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        // From <definitions>/calendars/*.json; the standard week without holidays (and a warning) when there is none.
        // Stored years (calendars table, loaded after the migration) override the files; edits swap it (Deadlines).
        services.AddSingleton(p => Deadlines.CalendarProvider.FromFolder(
            p.GetRequiredService<Definitions.DefinitionFolder>().Path,
            p.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Host.Calendar")));
        services.AddTransient(p => p.GetRequiredService<Deadlines.CalendarProvider>().Current);
        services.AddSingleton(p => Dossiers.DeadlinesOptions.Rule(p.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IDeadlineCalculator, Deadlines.CurrentCalendarDeadlines>();
        services.AddSingleton<DefinitionRegistry>();
        services.AddSingleton<IProcedureResolver>(p => p.GetRequiredService<DefinitionRegistry>());
        services.AddSingleton(p => new WorkflowEngine(
            p.GetRequiredService<IDeadlineCalculator>(),
            p.GetRequiredService<TimeProvider>(),
            procedures: p.GetRequiredService<IProcedureResolver>(),
            options: new EngineOptions { Expressions = DecisionLimits(p.GetRequiredService<IConfiguration>()) }));
        services.AddSingleton<Dossiers.DossierProjection>();
        services.AddScoped<WorkflowRunner>();
        return services;
    }

    // Decisions:Timeout and Decisions:MaxStatements; the engine's defaults (100 ms, 10,000) when not set.
    private static ExpressionLimits DecisionLimits(IConfiguration configuration)
    {
        var defaults = ExpressionLimits.Default;
        var timeout = configuration.GetValue<TimeSpan?>("Decisions:Timeout") ?? defaults.Timeout;
        var statements = configuration.GetValue<int?>("Decisions:MaxStatements") ?? defaults.MaxStatements;
        if (timeout <= TimeSpan.Zero || statements <= 0)
        {
            throw new InvalidOperationException("Decisions:Timeout and Decisions:MaxStatements must be positive.");
        }

        return new ExpressionLimits { Timeout = timeout, MaxStatements = statements };
    }
}
