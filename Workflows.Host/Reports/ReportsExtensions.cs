using Workflows.Host.Infrastructure;
using Workflows.Host.Runtime;

namespace Workflows.Host.Reports;

internal static class ReportsExtensions
{
    /// <summary>The start-up fill of report facts (<see cref="ReportFactsFill"/>), with the Host's other background work.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        if (OptionsBinding.Read<RuntimeOptions>(configuration, RuntimeOptions.Section).Background)
        {
            services.AddHostedService<ReportFactsFill>();
        }

        return services;
    }
}
