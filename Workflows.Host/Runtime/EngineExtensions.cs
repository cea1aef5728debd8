using Workflows.Engine.Calendar;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;

namespace Workflows.Host.Runtime;

internal static class EngineExtensions
{
    /// <summary>The engine, its clock and working calendar, the published-version registry and the runner.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        // Standard sessions (Mon–Fri 07:30–11:30, 13:30–17:00); holidays from configuration come later.
        services.AddSingleton(_ => WorkingCalendar.Standard());
        services.AddSingleton<IDeadlineCalculator, CalendarDeadlines>();
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
