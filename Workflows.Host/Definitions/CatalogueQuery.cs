using Workflows.Engine.Definitions;

namespace Workflows.Host.Definitions;

/// <summary>Which procedures the catalogue lists by their versions' status.</summary>
internal enum CatalogueStatus
{
    /// <summary>Procedures with a draft (published or not).</summary>
    Draft,
    /// <summary>Procedures with a published version (with a draft or not).</summary>
    Published,
    /// <summary>Procedures with both a published version and a draft.</summary>
    Both,
}

/// <summary>How the catalogue is sorted.</summary>
internal enum CatalogueSort
{
    Code,
    /// <summary>By name folded (without diacritics), so "Đăng ký" sorts with the other D's.</summary>
    Name,
    /// <summary>By the time of the last change of the procedure's latest version.</summary>
    UpdatedAt,
}

/// <summary>A catalogue search: <paramref name="Search"/> in code or name, ignoring diacritics and case.</summary>
internal sealed record CatalogueQuery(
    string? Search,
    string? Field,
    string? Department,
    CatalogueStatus? Status,
    CatalogueSort Sort,
    bool Descending,
    int Page,
    int PageSize)
{
    /// <summary>The sort parameter's values: <c>code</c>, <c>name</c>, <c>updatedAt</c>, each with a <c>-</c> prefix for descending.</summary>
    public static bool TryParseSort(string? text, out CatalogueSort sort, out bool descending)
    {
        descending = text?.StartsWith('-') == true;
        var name = descending ? text![1..] : text;
        sort = CatalogueSort.Code;
        return string.IsNullOrEmpty(name) || (char.IsLetter(name[0]) && Enum.TryParse(name, ignoreCase: true, out sort));
    }
}

/// <summary>One procedure in the catalogue: what its latest version says, and where its versions stand.</summary>
internal sealed record CatalogueItemDto(
    string Code,
    string Name,
    string? Field,
    string? CompetentBody,
    IReadOnlyList<string> Departments,
    TimeLimit? CommittedTimeLimit,
    TimeLimit? LegalTimeLimit,
    string Status,
    int Version,
    int? PublishedVersion,
    int? DraftVersion,
    DateTimeOffset UpdatedAt);

/// <summary>The catalogue status of a procedure: draft (only a draft), published (no draft), both.</summary>
internal static class CatalogueStatuses
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Both = "both";

    public static string Of(int? publishedVersion, int? draftVersion) =>
        (publishedVersion, draftVersion) switch
        {
            (not null, not null) => Both,
            (null, not null) => Draft,
            _ => Published,
        };
}
