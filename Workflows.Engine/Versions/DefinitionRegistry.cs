using System.Collections.Concurrent;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;

namespace Workflows.Engine.Versions;

/// <summary>
/// Published procedure versions, in memory. A published version never changes: publishing the same code
/// and version again with different content is refused. Serves sub-processes the version in force on a day.
/// </summary>
public sealed class DefinitionRegistry : IProcedureResolver
{
    private readonly ConcurrentDictionary<(string Code, int Version), Published> versions = new();

    public void Publish(ProcedureDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var published = new Published(definition, DefinitionJson.Serialize(definition));
        var stored = versions.GetOrAdd((definition.Code, definition.Version), published);
        if (!ReferenceEquals(stored, published) && stored.Json != published.Json)
        {
            throw new PublishedVersionImmutableException(definition.Code, definition.Version);
        }
    }

    public ProcedureDefinition? Get(string code, int version) =>
        versions.TryGetValue((code, version), out var published) ? published.Definition : null;

    public IReadOnlyList<ProcedureDefinition> VersionsOf(string code) =>
        [.. versions.Values.Select(p => p.Definition).Where(d => d.Code == code).OrderBy(d => d.Version)];

    /// <summary>The highest version already in force on <paramref name="onDay"/>.</summary>
    public ProcedureDefinition? Resolve(string code, DateOnly onDay) =>
        versions.Values
            .Select(p => p.Definition)
            .Where(d => d.Code == code && d.EffectiveFrom <= onDay)
            .MaxBy(d => d.Version);

    private sealed record Published(ProcedureDefinition Definition, string Json);
}

public sealed class PublishedVersionImmutableException(string code, int version)
    : InvalidOperationException($"Procedure {code} version {version} is already published with different content; publish a new version instead.")
{
    public string Code { get; } = code;

    public int Version { get; } = version;
}
