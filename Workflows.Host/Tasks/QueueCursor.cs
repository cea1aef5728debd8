using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Host.Tasks;

/// <summary>
/// Where the next page of a queue starts: the sort key and id of the last task listed (the page after it is read from
/// the index at that point, not counted off from the start), the number of that next page, and the total counted when
/// the list's first page was read. A department's open tasks run to tens of thousands at a city's size; counting them
/// again for every page cost more than reading the page, so a page read with a cursor does not count.
/// The cursor names the list it belongs to (filters, sort, page size, and the caller for <c>claimed=me</c>) by a hash:
/// used with another list it is refused rather than quietly starting somewhere meaningless. It carries nothing secret
/// and grants nothing: the departments are the caller's own on every request.
/// </summary>
internal sealed record QueueCursor(int Page, int Total, DateTimeOffset Key, Guid Id, string List)
{
    private const string Version = "1";

    public string Encode()
    {
        var text = string.Join('|', Version, Page.ToString(CultureInfo.InvariantCulture), Total.ToString(CultureInfo.InvariantCulture),
            Key.UtcTicks.ToString(CultureInfo.InvariantCulture), Id.ToString("N"), List);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The cursor <paramref name="text"/> encodes; null when it is not one this Host wrote.</summary>
    public static QueueCursor? Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 200 || !Base64Url.IsValid(text))
        {
            return null;
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|');
        }
        catch (FormatException)
        {
            return null;
        }

        return parts.Length == 6
            && parts[0] == Version
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 2 and <= Infrastructure.InputLimits.MaxPage
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(parts[4], "N", out var id)
            && parts[5].Length == ListLength
                ? new QueueCursor(page, total, new DateTimeOffset(ticks, TimeSpan.Zero), id, parts[5])
                : null;
    }

    private const int ListLength = 16;

    /// <summary>A short name for the list a query reads: everything that decides which tasks it holds and in what order.</summary>
    public static string ListOf(TaskQueueQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = string.Join('\n',
            string.Join(',', query.Departments.Order(StringComparer.Ordinal)),
            query.State,
            query.Claimed,
            query.Claimed == ClaimFilter.Me ? query.Caller : string.Empty,
            query.Procedure ?? string.Empty,
            query.DueBefore?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            query.Sort,
            query.PageSize.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..ListLength];
    }
}
