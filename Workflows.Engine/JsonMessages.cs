using System.Text.Json;

namespace Workflows.Engine;

internal static class JsonMessages
{
    /// <summary>
    /// System.Text.Json messages name .NET types and repeat the path; people editing files need the field and what
    /// was wrong with it. Cuts the " Path: ..." tail and the given namespace prefixes.
    /// </summary>
    public static string Describe(JsonException exception, string modelNamespace)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return message
            .Replace(modelNamespace + ".", string.Empty, StringComparison.Ordinal)
            .Replace("System.", string.Empty, StringComparison.Ordinal);
    }
}
