using MediatR;
using Workflows.Host.Infrastructure;
using Workflows.Host.Notifications;
using Workflows.Host.Outbox;

namespace Workflows.Host.Runtime;

internal static class RuntimeExtensions
{
    /// <summary>
    /// The timer runner, the outbox dispatcher with its MediatR handlers (status webhooks, notifications,
    /// parent resumes), the notification senders and the webhook HTTP client.
    /// </summary>
    public static IServiceCollection AddRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        var runtime = services.AddValidatedOptions<RuntimeOptions>(configuration, RuntimeOptions.Section);
        var notifications = services.AddValidatedOptions<NotificationsOptions>(configuration, NotificationsOptions.Section);

        services.AddSingleton<TimerRunner>();
        services.AddSingleton<OutboxDispatcher>();
        if (runtime.Background)
        {
            services.AddHostedService(p => p.GetRequiredService<TimerRunner>());
            services.AddHostedService(p => p.GetRequiredService<OutboxDispatcher>());
        }

        // MediatR 5 without its DI package: the factory resolves handlers from the current scope.
        services.AddTransient<ServiceFactory>(p => p.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped<INotificationHandler<StatusChanged>, StatusChangedHandler>();
        services.AddScoped<INotificationHandler<NotifyRequested>, NotifyHandler>();
        services.AddScoped<INotificationHandler<InstanceEnded>, InstanceEndedHandler>();
        services.AddScoped<INotificationHandler<ResumeParentRequested>, ResumeParentHandler>();

        services.AddHttpClient(StatusChangedHandler.ClientName, client => client.Timeout = runtime.WebhookTimeout);

        services.AddSingleton<TemplateRenderer>();
        if (!string.IsNullOrWhiteSpace(notifications.Smtp.Host))
        {
            services.AddSingleton<INotificationSender, SmtpNotificationSender>();
        }

        // Last: takes every channel no sender before it took.
        services.AddSingleton<INotificationSender, FileNotificationSender>();
        return services;
    }
}
