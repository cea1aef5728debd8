using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;
using Workflows.Host.Infrastructure;
using Workflows.Host.Outbox;

namespace Workflows.Host.Notifications;

/// <summary>A rendered notification, ready to send.</summary>
/// <param name="Id">The outbox message id: sending the same id twice is a duplicate.</param>
/// <param name="Recipient">As the procedure names it: "applicant" or a department id.</param>
/// <param name="Address">Phone number or e-mail address when known.</param>
internal sealed record NotificationMessage(
    Guid Id,
    Guid InstanceId,
    string Channel,
    string Template,
    string Recipient,
    string? Address,
    string? DossierCode,
    string Subject,
    string Body);

/// <summary>Sends rendered notifications over a channel (sms, email, ...). The first sender that accepts a channel sends.</summary>
internal interface INotificationSender
{
    bool CanSend(string channel);

    Task SendAsync(NotificationMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Writes each message to <c>&lt;Notifications:Folder&gt;/&lt;message id&gt;.txt</c> (headers, a blank line, the body):
/// the default for every channel, for development and for an SMS gateway that picks files up. Writing the same
/// message again replaces the file.
/// </summary>
internal sealed class FileNotificationSender(IOptions<NotificationsOptions> options) : INotificationSender
{
    private readonly string folder = Path.GetFullPath(options.Value.Folder);

    public bool CanSend(string channel) => true;

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(folder);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Id: {message.Id}\n")
            .Append(CultureInfo.InvariantCulture, $"Instance: {message.InstanceId}\n")
            .Append(CultureInfo.InvariantCulture, $"Dossier: {message.DossierCode}\n")
            .Append(CultureInfo.InvariantCulture, $"Channel: {message.Channel}\n")
            .Append(CultureInfo.InvariantCulture, $"Template: {message.Template}\n")
            .Append(CultureInfo.InvariantCulture, $"To: {message.Recipient}{(message.Address is null ? "" : $" <{message.Address}>")}\n")
            .Append(CultureInfo.InvariantCulture, $"Subject: {message.Subject}\n")
            .Append('\n')
            .Append(message.Body)
            .ToString();
        var path = Path.Combine(folder, $"{message.Id}.txt");
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, Encoding.UTF8, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>E-mails through SMTP (System.Net.Mail), registered when Notifications:Smtp:Host is set.</summary>
internal sealed class SmtpNotificationSender(IOptions<NotificationsOptions> options) : INotificationSender
{
    private readonly SmtpOptions smtp = options.Value.Smtp;

    public bool CanSend(string channel) => string.Equals(channel, "email", StringComparison.OrdinalIgnoreCase);

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.Address))
        {
            throw new PermanentDeliveryException($"No e-mail address for {message.Recipient} of dossier {message.DossierCode}.");
        }

        using var mail = new MailMessage(smtp.From, message.Address, message.Subject, message.Body)
        {
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
        };
        mail.Headers.Add("X-Message-Id", message.Id.ToString());
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        await client.SendMailAsync(mail, cancellationToken);
    }
}
