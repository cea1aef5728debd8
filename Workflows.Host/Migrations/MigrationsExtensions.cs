using Workflows.Host.Infrastructure;
using Workflows.Host.Runtime;

namespace Workflows.Host.Migrations;

internal static class MigrationsExtensions
{
    /// <summary>The migration worker (a background service unless Runtime:Background is false).</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MigrationOptions>(configuration, MigrationOptions.Section);
        services.AddSingleton<MigrationWorker>();
        if (OptionsBinding.Read<RuntimeOptions>(configuration, RuntimeOptions.Section).Background)
        {
            services.AddHostedService(p => p.GetRequiredService<MigrationWorker>());
        }

        return services;
    }
}
