namespace Workflows.Host.Notifications;

/// <summary>Section "Notifications".</summary>
internal sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Where <see cref="FileNotificationSender"/> writes one file per message (relative: to the working folder).</summary>
    public string Folder { get; set; } = "data/notifications";

    /// <summary>E-mail through SMTP when <see cref="SmtpOptions.Host"/> is set; otherwise e-mails go to the folder too.</summary>
    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>Section "Notifications:Smtp".</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "workflows@localhost";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
