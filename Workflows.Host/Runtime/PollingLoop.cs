namespace Workflows.Host.Runtime;

/// <summary>
/// The loop of the background workers (timers, outbox, deadline sweep): run a pass, wait the interval unless the
/// pass says more work is waiting, survive a failed pass (database restart, ...) and stop quietly on shutdown.
/// </summary>
internal static class PollingLoop
{
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> pass, TimeSpan interval, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var moreWaiting = false;
            try
            {
                moreWaiting = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a failed pass and try again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failed(exception);
            }

            if (!moreWaiting)
            {
                await Delay(interval, stoppingToken);
            }
        }
    }

    private static async Task Delay(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
