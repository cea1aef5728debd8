using Workflows.Engine.Runtime;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Persistence;

public sealed class StoredValuesTests
{
    [Fact]
    public void The_constants_sql_uses_are_the_names_rows_are_stored_with()
    {
        Assert.Equal(StoredValues.RunningInstance, RowMapping.Name(InstanceStatus.Running));
        Assert.Equal(StoredValues.TimerBookmark, RowMapping.Name(BookmarkKind.Timer));
    }

    [Fact]
    public void An_instant_is_kept_to_the_microsecond_in_utc()
    {
        var instant = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7)).AddTicks(1_234_567);

        var stored = StoredValues.Instant(instant);

        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(instant.UtcTicks - 7, stored.UtcTicks);
    }
}
