using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Host.Calendars;
using Workflows.Host.Deadlines;
using Workflows.Host.Definitions;

namespace Workflows.Host.Replay;

/// <summary>The Host's service registrations, kept so a replay can build its own provider from the same ones.</summary>
internal sealed class HostRegistrations(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>
/// A service provider of its own for one replay: every registration of the Host (test overrides included), with
/// <see cref="ReplayClock"/> as its only <see cref="TimeProvider"/> and no hosted service. Its engine, runner,
/// projection, timer runner and deadline sweep are new instances built on the simulated clock, so the replay's
/// time cannot leak into live requests, which keep the live provider's clock; both write to the same database
/// through the same code. Its outbox messages are written as delivered (<see cref="ReplayedOutbox"/>: history is not
/// news) and its services log warnings and errors only. Start-up loads (departments, published versions, calendars) run again on it.
/// </summary>
internal sealed class ReplayServices : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private ReplayServices(ServiceProvider provider, ReplayClock clock)
    {
        this.provider = provider;
        Clock = clock;
    }

    public ReplayClock Clock { get; }

    public IServiceProvider Provider => provider;

    public static async Task<ReplayServices> CreateAsync(HostRegistrations registrations, DateTimeOffset start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var clock = new ReplayClock(start);
        var services = new ServiceCollection();
        foreach (var descriptor in registrations.Services)
        {
            // Nothing runs by itself in a replay: the replayer fires timers and sweeps deadlines at simulated instants.
            if (descriptor.ServiceType != typeof(IHostedService))
            {
                services.Add(descriptor);
            }
        }

        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        // History is not news: its messages are written as delivered, and its services log only warnings and errors,
        // so the console keeps the progress of a replay readable.
        services.AddSingleton<ISaveChangesInterceptor, ReplayedOutbox>();
        services.AddLogging(logging => logging.AddFilter((string? _, LogLevel level) => level >= LogLevel.Warning));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            await provider.LoadDefinitionsAsync(cancellationToken);
            provider.LoadWorkingCalendar();
            await provider.LoadStoredCalendarsAsync(cancellationToken);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return new ReplayServices(provider, clock);
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
