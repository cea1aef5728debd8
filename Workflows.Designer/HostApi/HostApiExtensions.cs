using Microsoft.Extensions.Options;

namespace Workflows.Designer.HostApi;

internal static class HostApiExtensions
{
    /// <summary>The typed Host client, with its settings validated at start-up (a missing Host URL stops the Designer with a clear message).</summary>
    public static IServiceCollection AddHostApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostOptions>().Bind(configuration.GetSection(HostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<HostClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<HostOptions>>().Value;
            http.BaseAddress = options.BaseUrl;
            http.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        });
        return services;
    }
}
