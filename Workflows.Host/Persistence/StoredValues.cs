namespace Workflows.Host.Persistence;

/// <summary>
/// Values as the database stores them, for the queries and SQL that name them. Enums are stored as camelCase text
/// (<see cref="RowMapping.Name{TEnum}"/>); these constants are the ones SQL text needs (a test checks they match).
/// </summary>
internal static class StoredValues
{
    /// <summary><c>instances.status</c> of an instance that still runs (<see cref="Engine.Runtime.InstanceStatus.Running"/>).</summary>
    public const string RunningInstance = "running";

    /// <summary><c>bookmarks.kind</c> of a timer (<see cref="Engine.Runtime.BookmarkKind.Timer"/>).</summary>
    public const string TimerBookmark = "timer";

    /// <summary>
    /// An instant as both databases keep it (microseconds: PostgreSQL's timestamptz, SQLite's fixed-width text), in
    /// UTC: what a read of a just-written instant returns, so an answer built from what was written equals a later read.
    /// </summary>
    public static DateTimeOffset Instant(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);
}
