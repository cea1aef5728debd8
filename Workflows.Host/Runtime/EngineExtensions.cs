using Workflows.Engine.Expressions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Calendars;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Runtime;

internal static class EngineExtensions
{
    /// <summary>The engine, its clock and working calendar, the published-version registry and the runner.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services, IConfiguration configuration)
    {
        var decisions = services.AddValidatedOptions<DecisionOptions>(configuration, DecisionOptions.Section);
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
            procedures: p.GetRequiredService<IProcedureResolver>(),
            options: new EngineOptions { Expressions = decisions.Limits }));
        services.AddScoped<WorkflowRunner>();
        return services;
    }
}

/// <summary>Section "Decisions": the limits of one decision script's evaluation (memory and array sizes are fixed).</summary>
internal sealed class DecisionOptions
{
    public const string Section = "Decisions";

    /// <summary>Wall-clock time one evaluation may take. Default 100 ms.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "must be a time span between 00:00:00.001 and 01:00:00.")]
    public TimeSpan Timeout { get; set; } = ExpressionLimits.Default.Timeout;

    /// <summary>Statements one evaluation may run. Default 10,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a positive number.")]
    public int MaxStatements { get; set; } = ExpressionLimits.Default.MaxStatements;

    public ExpressionLimits Limits => new() { Timeout = Timeout, MaxStatements = MaxStatements };
}
