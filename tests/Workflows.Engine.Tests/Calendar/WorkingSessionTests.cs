using Workflows.Engine.Calendar;

namespace Workflows.Engine.Tests.Calendar;

public class WorkingSessionTests
{
    [Fact]
    public void A_session_knows_its_duration()
    {
        var morning = new WorkingSession(new TimeOnly(7, 30), new TimeOnly(11, 30));

        Assert.Equal(TimeSpan.FromHours(4), morning.Duration);
    }

    [Fact]
    public void A_session_ending_before_it_starts_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WorkingSession(new TimeOnly(11, 30), new TimeOnly(7, 30)));

        Assert.Contains("must start before it ends", ex.Message, StringComparison.Ordinal);
        Assert.Contains("11:30-07:30", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_session_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new WorkingSession(new TimeOnly(8, 0), new TimeOnly(8, 0)));
    }
}
