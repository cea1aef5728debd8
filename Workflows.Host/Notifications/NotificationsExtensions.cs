using Workflows.Host.Infrastructure;

namespace Workflows.Host.Notifications;

internal static class NotificationsExtensions
{
    /// <summary>The template renderer and the senders: SMTP when configured, files for every other channel.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        var notifications = services.AddValidatedOptions<NotificationsOptions>(configuration, NotificationsOptions.Section);
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
