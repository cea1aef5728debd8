using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HandlebarsDotNet;
using QRCoder;

namespace Workflows.Host.Documents;

/// <summary>
/// Renders the printable forms (Circular 03/2025/TT-VPCP form set) from
/// <c>&lt;definitions&gt;/templates/forms/*.hbs</c> to A4 HTML.
/// </summary>
/// <remarks>
/// <para>A form is a file named <c>&lt;form&gt;-&lt;slug&gt;.hbs</c> (<c>01-giay-tiep-nhan.hbs</c> is form "01"); a file whose
/// name starts with "_" is a partial named without the underscore (<c>_layout.hbs</c> → <c>{{#> layout}}</c>).</para>
/// <para>The model is any object: it is serialised to JSON (camelCase, as the API shows it) before rendering, so
/// templates name fields as the API does (<c>{{dossier.code}}</c>). Values are HTML-escaped (Handlebars default).</para>
/// <para>Helpers: <c>vnDate</c> (dd/MM/yyyy), <c>vnDateTime</c> (HH giờ mm phút, ngày dd/MM/yyyy), <c>vnLongDate</c>
/// (ngày dd tháng MM năm yyyy), all at the centre's offset (UTC+7); <c>vnd</c> (1.500.000 đồng); <c>vnNumber</c>
/// (0,5); <c>timeLimit</c> ({value, unit} → "0,5 ngày làm việc"); <c>eq</c>; <c>inc</c>; <c>qr</c> (inline SVG of its
/// text, not escaped).</para>
/// <para>Templates are reloaded when a file of the folder changes.</para>
/// </remarks>
internal sealed class DocumentRenderer
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    private static readonly JsonSerializerOptions ModelJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly string folder;
    private readonly TimeSpan offset;
    private readonly Lock gate = new();
    private Loaded? loaded;

    /// <param name="folder">The forms folder (<c>&lt;definitions&gt;/templates/forms</c>).</param>
    /// <param name="utcOffset">Local time of the centre (UTC+7).</param>
    public DocumentRenderer(string folder, TimeSpan utcOffset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        this.folder = folder;
        offset = utcOffset;
    }

    public string Folder => folder;

    /// <summary>The forms that have a template ("01", "02", ...), in order.</summary>
    public IReadOnlyList<string> Forms => Load().Templates.Keys.Order(StringComparer.Ordinal).ToList();

    public bool HasForm(string form) => Load().Templates.ContainsKey(form);

    /// <summary>Renders <paramref name="form"/> ("01") with <paramref name="model"/> to an HTML page.</summary>
    /// <exception cref="KeyNotFoundException">No template for the form.</exception>
    public string Render(string form, object model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Load().Templates.TryGetValue(form, out var template))
        {
            throw new KeyNotFoundException($"No template for form '{form}' in {folder}.");
        }

        return template(Notifications.TemplateRenderer.ToPlain(JsonSerializer.SerializeToNode(model, model.GetType(), ModelJson)));
    }

    /// <summary>What the QR code of a dossier encodes: the lookup URL with the code (when configured), else the code.</summary>
    /// <param name="lookupUrl">e.g. "https://dichvucong.example/tra-cuu?ma={code}"; "{code}" is replaced by the escaped code.</param>
    public static string QrPayload(string code, string? lookupUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        if (string.IsNullOrWhiteSpace(lookupUrl))
        {
            return code;
        }

        return lookupUrl.Contains("{code}", StringComparison.Ordinal)
            ? lookupUrl.Replace("{code}", Uri.EscapeDataString(code), StringComparison.Ordinal)
            : lookupUrl + Uri.EscapeDataString(code);
    }

    /// <summary>An inline SVG QR code (error correction M) of <paramref name="payload"/>.</summary>
    public static string QrSvg(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        // No XML declaration inside HTML.
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }

    private Loaded Load()
    {
        var stamp = Stamp();
        var current = loaded;
        if (current is not null && current.Stamp == stamp)
        {
            return current;
        }

        lock (gate)
        {
            if (loaded is { } again && again.Stamp == stamp)
            {
                return again;
            }

            loaded = Compile(stamp);
            return loaded;
        }
    }

    private string Stamp()
    {
        if (!Directory.Exists(folder))
        {
            return "";
        }

        var files = Directory.EnumerateFiles(folder, "*.hbs").Order(StringComparer.Ordinal)
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(f)}@{File.GetLastWriteTimeUtc(f).Ticks}"));
        return string.Join('|', files);
    }

    private Loaded Compile(string stamp)
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture });
        RegisterHelpers(handlebars);
        var templates = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return new Loaded(stamp, templates);
        }

        var files = Directory.EnumerateFiles(folder, "*.hbs").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files.Where(f => Path.GetFileName(f).StartsWith('_')))
        {
            handlebars.RegisterTemplate(Path.GetFileNameWithoutExtension(file)[1..], File.ReadAllText(file));
        }

        foreach (var file in files.Where(f => !Path.GetFileName(f).StartsWith('_')))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            var form = dash > 0 ? name[..dash] : name;
            try
            {
                templates[form] = handlebars.Compile(File.ReadAllText(file));
            }
            catch (HandlebarsException ex)
            {
                throw new InvalidOperationException($"The form template {file} does not compile: {ex.Message}", ex);
            }
        }

        return new Loaded(stamp, templates);
    }

    private void RegisterHelpers(IHandlebars handlebars)
    {
        handlebars.RegisterHelper("vnDate", (in HelperOptions _, in Context _, in Arguments args) =>
            Instant(args) is { } at ? at.ToOffset(offset).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : "");
        handlebars.RegisterHelper("vnDateTime", (in HelperOptions _, in Context _, in Arguments args) =>
            Instant(args) is { } at ? at.ToOffset(offset).ToString("HH 'giờ' mm 'phút', 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture) : "");
        handlebars.RegisterHelper("vnLongDate", (in HelperOptions _, in Context _, in Arguments args) =>
            Instant(args) is { } at ? at.ToOffset(offset).ToString("'ngày' dd 'tháng' MM 'năm' yyyy", CultureInfo.InvariantCulture) : "");
        handlebars.RegisterHelper("vnd", (in HelperOptions _, in Context _, in Arguments args) =>
            Number(args) is { } amount ? FormatVnd(amount) : "");
        handlebars.RegisterHelper("vnNumber", (in HelperOptions _, in Context _, in Arguments args) =>
            Number(args) is { } n ? n.ToString("#,##0.##", Vietnamese) : "");
        handlebars.RegisterHelper("timeLimit", (in HelperOptions _, in Context _, in Arguments args) =>
            args.Length > 0 && args[0] is IDictionary<string, object?> limit ? FormatTimeLimit(limit) : "");
        handlebars.RegisterHelper("eq", (in HelperOptions _, in Context _, in Arguments args) =>
            args.Length >= 2 && string.Equals(Text(args[0]), Text(args[1]), StringComparison.Ordinal));
        handlebars.RegisterHelper("inc", (in HelperOptions _, in Context _, in Arguments args) =>
            Number(args) is { } n ? (n + 1).ToString(CultureInfo.InvariantCulture) : "");
        handlebars.RegisterHelper("qr", (in EncodedTextWriter output, in HelperOptions _, in Context _, in Arguments args) =>
        {
            if (args.Length > 0 && Text(args[0]) is { Length: > 0 } payload)
            {
                output.WriteSafeString(QrSvg(payload));
            }
        });
    }

    /// <summary>1500000 → "1.500.000 đồng".</summary>
    public static string FormatVnd(decimal amount) =>
        amount.ToString("#,##0", Vietnamese).Replace('\u00A0', '.').Replace(',', '.') + " đồng";

    /// <summary>{ value: 0.5, unit: "workingDays" } → "0,5 ngày làm việc".</summary>
    private static string FormatTimeLimit(IDictionary<string, object?> limit)
    {
        var value = limit.TryGetValue("value", out var v) ? ToDecimal(v) : null;
        var unit = limit.TryGetValue("unit", out var u) ? Text(u) : null;
        var number = value?.ToString("0.##", Vietnamese) ?? "";
        return unit switch
        {
            "workingDays" => $"{number} ngày làm việc",
            "workingHours" => $"{number} giờ làm việc",
            "calendarDays" => $"{number} ngày",
            _ => number,
        };
    }

    private static DateTimeOffset? Instant(Arguments args) => args.Length == 0 ? null : args[0] switch
    {
        DateTimeOffset at => at,
        DateTime at => new DateTimeOffset(at),
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) => at,
        _ => null,
    };

    private static decimal? Number(Arguments args) => args.Length == 0 ? null : ToDecimal(args[0]);

    private static decimal? ToDecimal(object? value) => value switch
    {
        decimal d => d,
        long l => l,
        int i => i,
        double d => (decimal)d,
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private sealed record Loaded(string Stamp, Dictionary<string, HandlebarsTemplate<object, object>> Templates);
}
