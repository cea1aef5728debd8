using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Workflows.Designer.HostApi;

/// <summary>
/// The Host's problems in the user's language. The Host names each problem by a stable code (its <c>code</c> extension,
/// with the values it is about in <c>args</c>); the texts are HostProblemText.resx (Vietnamese) and .en.resx (English),
/// <c>code.title</c> and <c>code.detail</c>, where <c>{name}</c> is an argument. A code the Designer does not know, or a
/// text naming an argument the Host did not send, shows the Host's own words: nothing the Host said is lost.
/// </summary>
public sealed partial class HostProblemText
{
    /// <summary>
    /// The codes the Host gives a problem by its status alone, for many different reasons (a faulted instance that is not
    /// faulted, a dossier already stopped, a name already taken): their own texts are general advice, so the Host's
    /// specific reason, when it gives one, is shown instead, rather than advice that does not fit.
    /// </summary>
    private static readonly HashSet<string> StatusCodes = new(StringComparer.Ordinal)
    {
        "invalidRequest", "notFound", "conflict", "unprocessable",
    };

    public static string Title(IStringLocalizer<HostProblemText> localizer, HostProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Text(localizer, problem.Code, "title", problem.Args) ?? problem.Title;
    }

    /// <summary>
    /// The detail in the user's language; the Host's own when the Designer does not know the code, its text names an
    /// argument the Host did not send, or the code is only the status's (<see cref="StatusCodes"/>); none for a known code without a detail of its own (the Host's is English).
    /// </summary>
    public static string? Detail(IStringLocalizer<HostProblemText> localizer, HostProblem problem)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Code is not null && StatusCodes.Contains(problem.Code) && !string.IsNullOrWhiteSpace(problem.Detail))
        {
            return problem.Detail;
        }

        if (Text(localizer, problem.Code, "detail", problem.Args) is { } detail)
        {
            return detail;
        }

        var hasOwn = problem.Code is not null && !localizer[problem.Code + ".detail"].ResourceNotFound;
        return hasOwn || Text(localizer, problem.Code, "title", problem.Args) is null ? problem.Detail : null;
    }

    /// <summary>The text of <paramref name="code"/>'s <paramref name="part"/> (the key <c>code.part</c>, or <c>code</c> for no part) with its arguments filled in, or null.</summary>
    public static string? Text(IStringLocalizer localizer, string? code, string part, IReadOnlyDictionary<string, string> args)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (code is null)
        {
            return null;
        }

        var text = localizer[part.Length == 0 ? code : code + "." + part];
        return text.ResourceNotFound ? null : Fill(text.Value, args);
    }

    /// <summary>
    /// <c>{name}</c> replaced by the argument of that name; null when an argument the text names is missing, so the caller
    /// shows the Host's own words rather than a sentence with a hole.
    /// </summary>
    public static string? Fill(string template, IReadOnlyDictionary<string, string> args)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(args);
        var complete = true;
        var text = Placeholder().Replace(template, m =>
        {
            if (args.TryGetValue(m.Groups[1].Value, out var value))
            {
                return value;
            }

            complete = false;
            return m.Value;
        });
        return complete ? text : null;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();
}
