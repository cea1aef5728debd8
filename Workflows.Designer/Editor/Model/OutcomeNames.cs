using System.Globalization;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Editor.Model;

/// <summary>
/// What the process designer called a step's or decision's outcomes (<c>outcomeNames</c>, <c>outcomeNamesEn</c>): a
/// branch reads "Trên 250 m²: kiểm tra hiện trạng", not "inspection". Callers fall back to the well-known outcomes'
/// translations and then to the id.
/// </summary>
public static class OutcomeNames
{
    /// <summary>The outcome's name in the page's language (English when the page is in English), or null.</summary>
    public static string? InPageLanguage(Node? node, string outcome)
    {
        var (names, namesEn) = Maps(node);
        return Named(English ? namesEn : names, outcome);
    }

    /// <summary>Any name the designer gave the outcome: the page's language first, then the other one.</summary>
    public static string? Any(Node? node, string outcome)
    {
        var (names, namesEn) = Maps(node);
        return InPageLanguage(node, outcome) ?? Named(English ? names : namesEn, outcome);
    }

    /// <summary>The names kept for <paramref name="outcomes"/> only (an outcome taken away takes its name with it); null when none is left.</summary>
    public static IReadOnlyDictionary<string, string>? Keep(IReadOnlyDictionary<string, string>? names, IReadOnlyCollection<string> outcomes)
    {
        if (names is null || names.Keys.All(outcomes.Contains))
        {
            return names;
        }

        var kept = names.Where(n => outcomes.Contains(n.Key)).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
        return kept.Count == 0 ? null : kept;
    }

    private static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    private static (IReadOnlyDictionary<string, string>? Names, IReadOnlyDictionary<string, string>? NamesEn) Maps(Node? node) => node switch
    {
        StepNode step => (step.OutcomeNames, step.OutcomeNamesEn),
        DecisionNode decision => (decision.OutcomeNames, decision.OutcomeNamesEn),
        _ => (null, null),
    };

    private static string? Named(IReadOnlyDictionary<string, string>? names, string outcome) =>
        names is not null && names.TryGetValue(outcome, out var name) && !string.IsNullOrWhiteSpace(name) ? name : null;
}
