namespace Workflows.Host.Replay;

/// <summary>
/// The simulated time of a replay: the only clock of the replay's own service provider (<see cref="ReplayServices"/>),
/// moved forward by the replayer to each event's instant. The live Host never sees it: its services are built from
/// the live provider's <see cref="TimeProvider"/>, not this one.
/// </summary>
internal sealed class ReplayClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => now;

    /// <summary>Moves the clock to <paramref name="instant"/>; time never goes back, so an earlier instant is ignored.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        if (utc > now)
        {
            now = utc;
        }
    }
}
