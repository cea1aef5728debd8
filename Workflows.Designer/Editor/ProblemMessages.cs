using Microsoft.Extensions.Localization;
using Workflows.Designer.Editor.Model;

namespace Workflows.Designer.Editor;

/// <summary>
/// A validation problem in the user's language: a short text per problem code (ProblemMessages.resx); the engine's own
/// message (English, naming the node and what to do) is shown beside it as the detail.
/// </summary>
public sealed class ProblemMessages
{
    public static string Summary(IStringLocalizer<ProblemMessages> localizer, EditorProblem problem)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(problem);
        var text = localizer[problem.Problem.Code];
        return text.ResourceNotFound ? localizer["other"] : text.Value;
    }
}
