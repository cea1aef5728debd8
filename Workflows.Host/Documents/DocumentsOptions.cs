using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Documents;

/// <summary>Section "Documents": what the printed forms say about the centre.</summary>
internal sealed class DocumentsOptions : IValidatableObject
{
    public const string Section = "Documents";

    /// <summary>The governing body printed above the agency name (cơ quan chủ quản).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "is required (the heading of printed forms).")]
    public string GoverningBody { get; set; } = "ỦY BAN NHÂN DÂN TỈNH";

    /// <summary>The agency that issues the forms.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "is required (the heading of printed forms).")]
    public string AgencyName { get; set; } = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG";

    /// <summary>The place name of the date line ("…, ngày dd tháng MM năm yyyy"); dots when not set.</summary>
    public string? Place { get; set; }

    /// <summary>
    /// The dossier lookup page the receipt's QR code points to, with "{code}" for the dossier code, e.g.
    /// "https://dichvucong.example/tra-cuu?ma={code}". Without it the QR code holds the dossier code alone.
    /// </summary>
    public string? LookupUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(LookupUrl)
            && !Uri.TryCreate(LookupUrl.Replace("{code}", "x", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"'{LookupUrl}' is not an absolute URL such as https://dichvucong.example.vn/tra-cuu?ma={{code}}.", [nameof(LookupUrl)]);
        }
    }
}
