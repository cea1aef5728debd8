using System.Globalization;
using Microsoft.Extensions.Localization;
using Workflows.Designer.Editor.Model;

namespace Workflows.Designer.Editor;

/// <summary>
/// A validation problem as one message in the user's language (ProblemMessages.resx, Vietnamese; .en.resx, English),
/// built from the engine's stable problem code, the field the problem is on and the value found there, never from the
/// engine's English sentence. The most specific text wins: <c>code.field.none</c> (the field is empty),
/// <c>code.field</c>, then <c>code</c>; <c>{0}</c> in a text is the value (an outcome, a department id...).
/// </summary>
public sealed class ProblemMessages
{
    public static string Text(IStringLocalizer<ProblemMessages> localizer, EditorProblem problem)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(problem);
        var code = problem.Problem.Code;
        var field = problem.Field;
        string[] keys = field is null
            ? [code]
            : string.IsNullOrEmpty(problem.Value) ? [$"{code}.{field}.none", $"{code}.{field}", code] : [$"{code}.{field}", code];
        foreach (var key in keys)
        {
            var text = localizer[key];
            if (!text.ResourceNotFound)
            {
                return string.Format(CultureInfo.CurrentCulture, text.Value, problem.Value ?? string.Empty);
            }
        }

        return localizer["other"];
    }
}
