using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Notifications;

/// <summary>Section "Notifications".</summary>
internal sealed class NotificationsOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>Where <see cref="FileNotificationSender"/> writes one file per message (relative: to the working folder).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "is required (where notifications are written without SMTP).")]
    public string Folder { get; set; } = "data/notifications";

    /// <summary>E-mail through SMTP when <see cref="SmtpOptions.Host"/> is set; otherwise e-mails go to the folder too.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    // Data annotations do not look inside nested objects: the SMTP settings are checked here, named Smtp:<setting>.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Smtp, new ValidationContext(Smtp), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult(r.ErrorMessage, [.. r.MemberNames.Select(m => $"{nameof(Smtp)}:{m}")]));
    }
}

/// <summary>Section "Notifications:Smtp".</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "must be a port between 1 and 65535.")]
    public int Port { get; set; } = 25;

    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [EmailAddress(ErrorMessage = "must be an e-mail address.")]
    public string From { get; set; } = "workflows@localhost";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "must be a time span between 00:00:01 and 00:10:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
