using System.Collections.Concurrent;

namespace Workflows.Host.Access;

/// <summary>
/// Active principals by key hash, so that a request does not read the principals table. An entry lives at most
/// <see cref="Lifetime"/> (15 s, on the monotonic clock); deactivating a principal through this process evicts
/// every entry at once. A key deactivated by another process (or directly in the database) keeps working for at
/// most <see cref="Lifetime"/>. Unknown or inactive keys are not cached: they are read every time.
/// </summary>
internal sealed class PrincipalCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    internal sealed record CachedPrincipal(Guid Id, string Name, string Kind, string[] Roles, string[] Departments);

    private sealed record Entry(CachedPrincipal Principal, long ExpiresAt);

    public bool TryGet(string keyHash, out CachedPrincipal principal)
    {
        if (entries.TryGetValue(keyHash, out var entry) && Environment.TickCount64 < entry.ExpiresAt)
        {
            principal = entry.Principal;
            return true;
        }

        principal = null!;
        return false;
    }

    public void Set(string keyHash, CachedPrincipal principal) =>
        entries[keyHash] = new Entry(principal, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);

    /// <summary>Forgets every principal: the next request of each key reads the table again.</summary>
    public void Clear() => entries.Clear();
}
