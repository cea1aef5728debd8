using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// The one place that refuses text and numbers no table can store, whatever endpoint they are sent to: a NUL
/// character (PostgreSQL text and jsonb cannot hold U+0000), a lone surrogate or invalid UTF-8 (no database stores
/// half a character), and a JSON number outside the range of a double (jsonb cannot hold 1e1000000, and decisions
/// read numbers as doubles). It checks every query value and every string, property name and number of a JSON body
/// before the endpoint runs, so a request is refused whole (400 naming each field) and nothing is written. (A path
/// with NUL never gets here: the server refuses its request line.) Lengths are each endpoint's business (they differ
/// per field; see ColumnSizes).
/// </summary>
internal static class RequestTextGuard
{
    /// <summary>A body larger than this is refused (413) before any endpoint reads it; every endpoint's own limit is lower.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public const string NulMessage = "Text must not contain the NUL character (U+0000).";
    public const string BrokenTextMessage = "Text must be valid Unicode (no lone surrogate such as \\ud800, no invalid UTF-8).";
    public const string NumberMessage = "A number must lie within ±1.7976931348623157e308 and not be too small to tell from zero.";

    /// <summary>Whether <paramref name="text"/> can be stored as it is; otherwise why not.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return NulMessage;
        }

        // A lone surrogate is the only thing that makes UTF-16 text invalid.
        return HasLoneSurrogate(text) ? BrokenTextMessage : null;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Problems of a JSON document's strings, property names and numbers, keyed by the path of the field
    /// (<c>applicant.name</c>, <c>formData.area</c>, <c>documents[0].name</c>). Empty when there is none, or when the
    /// body is not well-formed JSON: the endpoint reports that itself, as it always did.
    /// </summary>
    public static Dictionary<string, string[]> JsonProblems(ReadOnlySpan<byte> json)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // Nearly every body is clean: the first pass only looks; the second names the fields.
        if (Scan(json, null))
        {
            Scan(json, errors);
        }

        return errors;
    }

    /// <summary>Walks the document; true when something cannot be stored (and, with <paramref name="errors"/>, where).</summary>
    private static bool Scan(ReadOnlySpan<byte> json, Dictionary<string, string[]>? errors)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        var path = errors is null ? null : new List<Frame>();
        var found = false;
        try
        {
            while (reader.Read())
            {
                if (path is not null && reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray)
                    && path.Count > 0 && path[^1].IsArray)
                {
                    path[^1] = path[^1] with { Index = path[^1].Index + 1 };
                }

                string? problem = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        path?.Add(new Frame(false, -1, null));
                        break;
                    case JsonTokenType.StartArray:
                        path?.Add(new Frame(true, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path?.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        problem = StringProblem(ref reader, out var name);
                        if (path is not null)
                        {
                            path[^1] = path[^1] with { Property = Printable(name) };
                        }

                        break;
                    case JsonTokenType.String:
                        problem = StringProblem(ref reader, out _);
                        break;
                    case JsonTokenType.Number:
                        problem = IsStorableNumber(reader.ValueSpan) ? null : NumberMessage;
                        break;
                    default:
                        break;
                }

                if (problem is null)
                {
                    continue;
                }

                found = true;
                if (errors is null)
                {
                    return true;
                }

                errors.TryAdd(PathOf(path!), [problem]);
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the endpoint's own reading answers 400 with its own words.
            return found;
        }

        return found;
    }

    private static string? StringProblem(ref Utf8JsonReader reader, out string? text)
    {
        text = null;
        if (!reader.ValueIsEscaped)
        {
            // Unescaped JSON text holds no control character (the reader refuses one), so only UTF-8 validity is left.
            if (!Utf8.IsValid(reader.ValueSpan))
            {
                return BrokenTextMessage;
            }

            text = reader.GetString();
            return null;
        }

        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape a lone surrogate (\ud800).
            return BrokenTextMessage;
        }

        return Problem(text);
    }

    /// <summary>A JSON number a double can hold (finite), and not a non-zero number so small it reads as zero.</summary>
    public static bool IsStorableNumber(ReadOnlySpan<byte> number)
    {
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        if (value != 0)
        {
            return true;
        }

        // Zero is storable only if it was written as zero: every digit of the mantissa is 0.
        foreach (var b in number)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                break;
            }

            if (b is >= (byte)'1' and <= (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    private static string PathOf(List<Frame> path)
    {
        var builder = new StringBuilder();
        foreach (var frame in path)
        {
            if (frame.IsArray)
            {
                builder.Append(CultureInfo.InvariantCulture, $"[{Math.Max(frame.Index, 0)}]");
            }
            else if (frame.Property is { } property)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(property);
            }
        }

        return builder.Length == 0 ? "$" : builder.ToString();
    }

    /// <summary>A field name as it can be shown back: NUL and lone surrogates written as JSON escapes.</summary>
    private static string Printable(string? name)
    {
        if (name is null)
        {
            return "?";
        }

        if (Problem(name) is null)
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (c == '\0' || (char.IsSurrogate(c) && !paired && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(name[i - 1]))))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private readonly record struct Frame(bool IsArray, int Index, string? Property);
}

/// <summary>Runs <see cref="RequestTextGuard"/> on every request after authentication, before any endpoint.</summary>
internal sealed class RequestTextGuardMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                if (value is not null && RequestTextGuard.Problem(value) is { } problem)
                {
                    errors.TryAdd(key, [problem]);
                }
            }
        }

        if (errors.Count == 0 && HasBody(context.Request))
        {
            var body = await RequestBody.ReadAsync(context.Request, RequestTextGuard.MaxBodyBytes, context.RequestAborted);
            if (body is null)
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Payload too large",
                    detail: string.Create(CultureInfo.InvariantCulture, $"A request body is limited to {RequestTextGuard.MaxBodyBytes} bytes.")).ExecuteAsync(context);
                return;
            }

            errors = RequestTextGuard.JsonProblems(body);
            // The endpoint reads the same bytes.
            context.Request.Body = new MemoryStream(body, writable: false);
        }

        if (errors.Count > 0)
        {
            await Results.ValidationProblem(errors, title: "The request holds text or numbers that cannot be stored").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    // Whatever its content type says: the intake and definitions endpoints read their bodies as JSON regardless, and
    // a body that is not JSON stops the scan at its first byte.
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}

internal static class RequestBody
{
    /// <summary>The whole body, or null when it is larger than <paramref name="maxBytes"/> (read no further than that).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
