using System.ComponentModel.DataAnnotations;

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
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "must be a time span between 00:00:00.010 and 01:00:00.")]
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due timers claimed per sweep.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000.")]
    public int TimerBatchSize { get; set; } = 100;

    /// <summary>
    /// Sweeps of due timers running at once in this process (PostgreSQL only: the advisory locks give each its own
    /// timers; SQLite, one writer, always sweeps alone). While one sweep's engine work runs, another's commit is in the
    /// database, so a burst of due timers drains faster even on two cores.
    /// </summary>
    [Range(1, 16, ErrorMessage = "must be between 1 and 16.")]
    public int TimerSweeps { get; set; } = 2;

    /// <summary>How often pending outbox messages are looked for when the last pass found less than a full batch.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "must be a time span between 00:00:00.010 and 01:00:00.")]
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Outbox messages claimed per pass.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000.")]
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a claimed outbox message is hidden from other dispatchers. A dispatcher that dies while
    /// delivering leaves the message to be delivered again when the lease ends (at least once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be a time span between 00:00:01 and 1.00:00:00.")]
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Failed deliveries after which a message is dead (kept, listed, retried only by hand).</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; each failure doubles it (base * 2^attempts), up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "must be a time span between 00:00:00 and 1.00:00:00.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "must be a time span between 00:00:00 and 7.00:00:00.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one webhook call (status pushes to intake systems).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "must be a time span between 00:00:00.100 and 00:10:00.")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay before retry number <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failures.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = RetryBaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= RetryMaxDelay.Ticks ? RetryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
