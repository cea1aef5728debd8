namespace Workflows.Host.Replay;

/// <summary>
/// The simulated time of a replay: the only clock of the replay's own service provider (<see cref="ReplayServices"/>),
/// moved forward by the replayer to each event's instant. The live Host never sees it: its services are built from
/// the live provider's <see cref="TimeProvider"/>, not this one.
/// </summary>
internal sealed class ReplayClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start.ToUniversalTime();

    // The instant of the event a concurrent play is running (see RunAtAsync); null outside one.
    private readonly AsyncLocal<DateTimeOffset?> playing = new();

    public override DateTimeOffset GetUtcNow() => playing.Value ?? now;

    /// <summary>
    /// Runs <paramref name="work"/> with the clock at <paramref name="instant"/> for it (and what it awaits) alone, so
    /// dossiers played concurrently each write their own event's time.
    /// </summary>
    public async Task RunAtAsync(DateTimeOffset instant, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        playing.Value = instant.ToUniversalTime();
        try
        {
            await work();
        }
        finally
        {
            playing.Value = null;
        }
    }

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
