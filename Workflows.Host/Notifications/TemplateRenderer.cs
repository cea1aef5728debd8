using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HandlebarsDotNet;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Outbox;

namespace Workflows.Host.Notifications;

/// <summary>
/// Renders <c>definitions/templates/&lt;template&gt;.hbs</c> with Handlebars.Net. Messages are plain text (SMS,
/// e-mail bodies), so values are not HTML-escaped. Compiled templates are cached until the file changes.
/// </summary>
internal sealed class TemplateRenderer(DefinitionFolder definitions)
{
    private readonly IHandlebars handlebars = Handlebars.Create(new HandlebarsConfiguration
    {
        TextEncoder = null,
        FormatProvider = CultureInfo.InvariantCulture,
    });

    private readonly ConcurrentDictionary<string, (DateTime Written, HandlebarsTemplate<object, object> Template)> cache = new(StringComparer.Ordinal);

    public string Render(string template, IReadOnlyDictionary<string, object?> data)
    {
        if (string.IsNullOrWhiteSpace(template) || template.IndexOfAny(['/', '\\']) >= 0 || template.Contains("..", StringComparison.Ordinal))
        {
            throw new PermanentDeliveryException($"'{template}' is not a template name.");
        }

        var path = Path.Combine(definitions.Path, "templates", template + ".hbs");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The template '{template}' does not exist ({path}).", path);
        }

        var written = File.GetLastWriteTimeUtc(path);
        if (!cache.TryGetValue(path, out var cached) || cached.Written != written)
        {
            cached = (written, handlebars.Compile(File.ReadAllText(path)));
            cache[path] = cached;
        }

        return cached.Template(data);
    }

    /// <summary>Dossier data (JSON) as dictionaries, lists and plain values Handlebars can walk.</summary>
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.TryGetValue<decimal>(out var d) ? d : v.ToJsonString(),
            _ => null,
        },
        _ => node.ToJsonString(),
    };
}
