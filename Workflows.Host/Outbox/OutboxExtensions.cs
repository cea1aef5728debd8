using MediatR;
using Workflows.Host.Infrastructure;
using Workflows.Host.Runtime;

namespace Workflows.Host.Outbox;

internal static class OutboxExtensions
{
    /// <summary>
    /// The outbox dispatcher with its MediatR handlers (status webhooks, notifications, ended instances, parent
    /// resumes) and the webhook HTTP client. Its settings are the runtime's (section "Runtime"). Also the retention
    /// sweep of delivered messages and old journal rows (section "Retention").
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        var runtime = OptionsBinding.Read<RuntimeOptions>(configuration, RuntimeOptions.Section);
        services.AddSingleton<OutboxDispatcher>();
        services.AddValidatedOptions<RetentionOptions>(configuration, RetentionOptions.Section);
        services.AddSingleton<RetentionSweep>();
        if (runtime.Background)
        {
            services.AddHostedService(p => p.GetRequiredService<OutboxDispatcher>());
            services.AddHostedService(p => p.GetRequiredService<RetentionSweep>());
        }

        // MediatR 5 without its DI package: the factory resolves handlers from the current scope.
        services.AddTransient<ServiceFactory>(p => p.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped<INotificationHandler<StatusChanged>, StatusChangedHandler>();
        services.AddScoped<INotificationHandler<NotifyRequested>, NotifyHandler>();
        services.AddScoped<INotificationHandler<InstanceEnded>, InstanceEndedHandler>();
        services.AddScoped<INotificationHandler<ResumeParentRequested>, ResumeParentHandler>();

        services.AddHttpClient(StatusChangedHandler.ClientName, client => client.Timeout = runtime.WebhookTimeout);
        return services;
    }
}
