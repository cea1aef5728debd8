namespace Workflows.Host.Persistence;

/// <summary>
/// Ids for a batch of outbox messages written together, in increasing order. A message's id is its table's key: ids
/// of one millisecond with random tails (<see cref="Guid.CreateVersion7(DateTimeOffset)"/>) land all over the key's
/// newest pages, while ascending ids append to its right edge. A city's calendar edit writes 100,000 messages at once,
/// and in PostgreSQL that insert took 1.6-1.9 s with random tails against 0.7 s in order (docs/benchmarks.md, S4
/// calendar edit).
/// </summary>
internal static class OutboxIds
{
    // Bits after the version (12 of rand_a) and the variant (6 of rand_b, then 16 more): RFC 9562's fixed-length
    // counter (section 6.2, method 1), so the ids of one batch ascend; the last five bytes stay random, so two
    // batches of the same millisecond (two nodes) do not collide.
    private const int CounterBits = 34;

    /// <summary>
    /// <paramref name="count"/> UUIDv7 ids with the millisecond of <paramref name="at"/>, ascending in the order given
    /// (as PostgreSQL compares uuids, as <see cref="Guid.CompareTo(Guid)"/> does, and as their text sorts).
    /// </summary>
    public static Guid[] Ascending(DateTimeOffset at, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)count, 1L << CounterBits);
        var ids = new Guid[count];
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(at).TryWriteBytes(bytes, bigEndian: true, out _);
        for (var i = 0; i < count; i++)
        {
            var n = (ulong)i;
            bytes[6] = (byte)(0x70 | (int)((n >> 30) & 0x0F)); // version 7, counter bits 33-30
            bytes[7] = (byte)(n >> 22);
            bytes[8] = (byte)(0x80 | (int)((n >> 16) & 0x3F)); // variant 10, counter bits 21-16
            bytes[9] = (byte)(n >> 8);
            bytes[10] = (byte)n;
            ids[i] = new Guid(bytes, bigEndian: true);
        }

        return ids;
    }
}
