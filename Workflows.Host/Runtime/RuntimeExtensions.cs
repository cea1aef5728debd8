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
        }

        services.AddSingleton<RuntimeGauges>();
        services.AddHostedService(p => p.GetRequiredService<RuntimeGauges>());
        return services;
    }
}
