using System.Globalization;
using HandlebarsDotNet;
using Workflows.Host.Definitions;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

/// <summary>
/// Form 04 (thư xin lỗi và hẹn lại ngày trả kết quả) as printable HTML, from
/// <c>definitions/templates/forms/04-thu-xin-loi.hbs</c>; values are HTML-escaped.
/// </summary>
internal sealed class ApologyLetterDocument(DefinitionFolder definitions)
{
    public const string Form = "04-thu-xin-loi";

    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    private readonly IHandlebars handlebars = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture });

    public string Render(ApologyLetterRow letter, DossierRow dossier)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(dossier);
        var path = Path.Combine(definitions.Path, "templates", "forms", Form + ".hbs");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The form template '{Form}' does not exist ({path}).", path);
        }

        return handlebars.Compile(File.ReadAllText(path))(Model(letter, dossier));
    }

    /// <summary>What the template may use.</summary>
    public static Dictionary<string, object?> Model(ApologyLetterRow letter, DossierRow dossier)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(dossier);
        var issued = (letter.ConfirmedAt ?? letter.DraftedAt).ToOffset(Vietnam);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["draft"] = letter.State == ApologyStates.Draft,
            ["dossierCode"] = dossier.Code,
            ["procedureCode"] = dossier.ProcedureCode,
            ["procedureName"] = dossier.ProcedureName,
            ["applicantName"] = dossier.ApplicantName,
            ["applicantAddress"] = dossier.ApplicantAddress,
            ["applicantPhone"] = dossier.ApplicantPhone,
            ["receptionPoint"] = dossier.ReceptionPoint,
            ["receivedDate"] = Date(dossier.ReceivedAt),
            ["originalDueDate"] = Date(letter.OriginalDueAt),
            ["originalDueTime"] = Time(letter.OriginalDueAt),
            ["newDueDate"] = Date(letter.ProposedDueAt),
            ["newDueTime"] = Time(letter.ProposedDueAt),
            ["reason"] = letter.Reason,
            ["day"] = issued.Day.ToString("00", CultureInfo.InvariantCulture),
            ["month"] = issued.Month.ToString("00", CultureInfo.InvariantCulture),
            ["year"] = issued.Year.ToString(CultureInfo.InvariantCulture),
            ["confirmedBy"] = letter.ConfirmedBy,
        };
    }

    private static string Date(DateTimeOffset instant) => instant.ToOffset(Vietnam).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset instant) => instant.ToOffset(Vietnam).ToString("HH:mm", CultureInfo.InvariantCulture);
}
