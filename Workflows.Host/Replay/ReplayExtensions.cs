using Workflows.Host.Infrastructure;

namespace Workflows.Host.Replay;

internal static class ReplayExtensions
{
    /// <summary>
    /// Keeps the Host's registrations for replays (<see cref="ReplayServices"/>) and, in Development only with
    /// <c>Demo:Seed</c> (the default), the first-run demo history. Call it after every other registration.
    /// </summary>
    public static IServiceCollection AddReplay(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var demo = services.AddValidatedOptions<DemoOptions>(configuration, DemoOptions.Section);
        services.AddSingleton(new HostRegistrations(services));
        if (environment.IsDevelopment() && demo.Seed)
        {
            services.AddSingleton<DemoSeeder>();
            services.AddHostedService(p => p.GetRequiredService<DemoSeeder>());
        }

        return services;
    }
}
