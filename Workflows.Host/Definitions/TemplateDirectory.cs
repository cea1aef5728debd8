using System.Text.RegularExpressions;

namespace Workflows.Host.Definitions;

/// <summary>
/// A template a procedure can name: a notification text (kind sms or email, or message for other texts, named by
/// Notify.template) or a printed form (kind form, named by a step's forms and a document's form).
/// </summary>
internal sealed record TemplateDto(string Id, string Kind, string Title);

/// <summary>
/// The templates of the definitions folder: templates/*.hbs (notifications; the kind is the file name's prefix) and
/// templates/forms/*.hbs (forms, by their number; the title is the one the form prints). Read on each request: the
/// folder is small, and a template added to it shows at once, as the renderers pick it up.
/// </summary>
internal sealed partial class TemplateDirectory(DefinitionFolder folder)
{
    private const int TitleLength = 120;

    public IReadOnlyList<TemplateDto> All()
    {
        var templates = new List<TemplateDto>();
        var notifications = Path.Combine(folder.Path, "templates");
        if (Directory.Exists(notifications))
        {
            foreach (var file in Directory.EnumerateFiles(notifications, "*.hbs").Order(StringComparer.Ordinal))
            {
                var id = Path.GetFileNameWithoutExtension(file);
                var kind = id.StartsWith("sms-", StringComparison.Ordinal) ? "sms" : id.StartsWith("email-", StringComparison.Ordinal) ? "email" : "message";
                templates.Add(new TemplateDto(id, kind, FirstLine(file)));
            }
        }

        var forms = Path.Combine(notifications, "forms");
        if (Directory.Exists(forms))
        {
            // Partials (_layout, _dossier) are pieces of forms, not forms; a form is named by its number, as the renderer does.
            foreach (var file in Directory.EnumerateFiles(forms, "*.hbs").Where(f => !Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var dash = name.IndexOf('-', StringComparison.Ordinal);
                var title = FormTitle().Match(File.ReadAllText(file));
                templates.Add(new TemplateDto(dash > 0 ? name[..dash] : name, "form", title.Success ? title.Groups[1].Value : name));
            }
        }

        return templates;
    }

    // A notification has no title of its own: its first line, shortened, tells the designer which text it is.
    private static string FirstLine(string file)
    {
        var line = File.ReadLines(file).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() ?? Path.GetFileNameWithoutExtension(file);
        return line.Length <= TitleLength ? line : string.Concat(line.AsSpan(0, TitleLength - 1), "…");
    }

    [GeneratedRegex(@"title=""([^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex FormTitle();
}
