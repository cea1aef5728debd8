using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

/// <summary>
/// A request's If-Match names a draft that has been saved since (412): who saved it last, when, and its ETag now,
/// so the designer can reload it or save their own version over it knowingly.
/// </summary>
internal sealed class StaleDraftException(ProcedureVersionRow current)
    : Exception($"Draft {current.Code} v{current.Version} was saved by {current.SavedBy ?? "the definitions folder"} at {current.SavedAt:O} since you read it.")
{
    public string Code { get; } = current.Code;

    public string? SavedBy { get; } = current.SavedBy;

    public DateTimeOffset? SavedAt { get; } = current.SavedAt;

    public string CurrentETag { get; } = DefinitionCatalogue.ETag(current);
}
