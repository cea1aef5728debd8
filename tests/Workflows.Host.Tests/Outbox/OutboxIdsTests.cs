using System.Globalization;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Outbox;

/// <summary>
/// The ids of a batch of outbox messages (a calendar edit's statusChanged messages): UUIDv7 of the batch's millisecond,
/// ascending in the order given as PostgreSQL and .NET compare them, so the key takes them at its right edge.
/// </summary>
public sealed class OutboxIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 30, 15, 123, TimeSpan.FromHours(7));

    [Fact]
    public void A_batch_of_message_ids_ascends_in_the_order_given_and_keeps_the_batch_millisecond()
    {
        var ids = OutboxIds.Ascending(At, 100_000);

        Assert.Equal(100_000, ids.Distinct().Count());
        for (var i = 1; i < ids.Length; i++)
        {
            // PostgreSQL compares uuids byte by byte, which is how their text sorts; .NET's CompareTo agrees.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString(), ids[i].ToString()) < 0, $"{ids[i - 1]} then {ids[i]}");
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0, $"{ids[i - 1]} then {ids[i]}");
        }

        Assert.All(ids, id =>
        {
            var text = id.ToString("N");
            Assert.Equal(7, id.Version);
            Assert.Contains(text[16], "89ab");
            Assert.Equal(At.ToUnixTimeMilliseconds(), long.Parse(text[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public void Two_batches_of_the_same_millisecond_share_no_id()
    {
        var first = OutboxIds.Ascending(At, 10_000);
        var second = OutboxIds.Ascending(At, 10_000);

        Assert.Empty(first.Intersect(second));
    }
}
