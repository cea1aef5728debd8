using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Runtime;

internal static class RuntimeExtensions
{
    /// <summary>The timer runner and the runtime's gauges (outbox, timers, overdue steps).</summary>
    public static IServiceCollection AddRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        var runtime = services.AddValidatedOptions<RuntimeOptions>(configuration, RuntimeOptions.Section);
        services.AddSingleton<TimerRunner>();
        if (runtime.Background)
        {
            services.AddHostedService(p => p.GetRequiredService<TimerRunner>());
            // Other Hosts' department edits reach this one's directory (Definitions, below Runtime, cannot read this switch).
            services.AddHostedService<DepartmentRefresh>();
        }

        services.AddSingleton<RuntimeGauges>();
        services.AddHostedService(p => p.GetRequiredService<RuntimeGauges>());
        return services;
    }
}
