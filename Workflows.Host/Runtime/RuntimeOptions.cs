namespace Workflows.Host.Runtime;

/// <summary>Section "Runtime": the timer runner and the outbox dispatcher.</summary>
internal sealed class RuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>
    /// Run the timer runner and the outbox dispatcher as background services (default). When false they are
    /// registered but only run when called (tests call RunOnceAsync).
    /// </summary>
    public bool Background { get; set; } = true;

    /// <summary>How often due timers are looked for when the last sweep found less than a full batch.</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due timers claimed per sweep.</summary>
    public int TimerBatchSize { get; set; } = 100;

    /// <summary>How often pending outbox messages are looked for when the last pass found less than a full batch.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Outbox messages claimed per pass.</summary>
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a claimed outbox message is hidden from other dispatchers. A dispatcher that dies while
    /// delivering leaves the message to be delivered again when the lease ends (at least once).
    /// </summary>
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Failed deliveries after which a message is dead (kept, listed, retried only by hand).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; each failure doubles it (base * 2^attempts), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one webhook call (status pushes to intake systems).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay before retry number <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failures.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = RetryBaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= RetryMaxDelay.Ticks ? RetryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
