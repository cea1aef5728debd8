using System.Globalization;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// Bounds of the pages and days a caller may ask for, shared by every list and report: beyond them the offset of a
/// page overflows, or a day has no instant at the centre's offset, and the database or the calendar would fail.
/// </summary>
internal static class InputLimits
{
    /// <summary>The last page number: with the largest page size (200) its offset stays far inside an int.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The first and last days anyone may name: the years a calendar file may describe (1900-2999).</summary>
    public static readonly DateOnly FirstDay = new(1900, 1, 1);

    public static readonly DateOnly LastDay = new(2999, 12, 31);

    public static readonly string PageMessage = string.Create(CultureInfo.InvariantCulture, $"Page is a whole number from 1 to {MaxPage}.");

    public static readonly string DayRangeMessage = string.Create(CultureInfo.InvariantCulture, $"A day from {FirstDay:yyyy-MM-dd} to {LastDay:yyyy-MM-dd}.");

    public static bool IsInRange(DateOnly day) => day >= FirstDay && day <= LastDay;

    public static bool IsInRange(DateTimeOffset instant) => IsInRange(DateOnly.FromDateTime(instant.UtcDateTime));
}
