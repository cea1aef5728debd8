using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Workflows.Host.Tests.Support;

/// <summary>
/// The Host on a test database, reading definitions from <paramref name="definitionsPath"/>; <paramref name="services"/>
/// changes its services after the Host's own registrations (e.g. an EF interceptor that interleaves a write).
/// </summary>
internal sealed class WorkflowsApp(
    DatabaseFixture database,
    string? definitionsPath = null,
    TimeProvider? clock = null,
    string environment = "Development",
    Action<IServiceCollection>? services = null,
    IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>The sample definitions copied next to the test assembly.</summary>
    public static string SampleDefinitions => Path.Combine(AppContext.BaseDirectory, "TestDefinitions");

    /// <summary>Development keys seeded by the Host in the Development environment (the tests' environment).</summary>
    public const string IntakeKey = "dev-intake-key";
    public const string DesignerKey = "dev-designer-key";
    public const string AdministratorKey = "dev-admin-key";
    public const string DeskOfficerKey = "dev-officer-desk-key";
    public const string UrbanOfficerKey = "dev-officer-urban-key";
    public const string LeaderKey = "dev-officer-leader-key";

    /// <summary>A client that calls the API with <paramref name="apiKey"/>.</summary>
    public HttpClient ClientWithKey(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        foreach (var (key, value) in database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Definitions:Path", definitionsPath ?? SampleDefinitions);
        // Timers and the outbox run only when a test calls RunOnceAsync.
        builder.UseSetting("Runtime:Background", "false");
        // No first-run demo history unless a test asks for it (Demo:Seed=true): tests count their own dossiers.
        builder.UseSetting("Demo:Seed", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (clock is not null)
        {
            builder.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton(clock)));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

/// <summary>A clock the tests set by hand; whole seconds, so instants survive every database's precision.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}
