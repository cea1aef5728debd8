using Workflows.Benchmarks.Common;

namespace Workflows.Benchmarks.Durable;

/// <summary>The built Host as a child process (see <see cref="ServiceProcess"/>), ready when /health answers 200.</summary>
internal static class HostRunner
{
    public static string HostAssembly => ServiceProcess.BuiltAssembly("Workflows.Host");

    public static Task<ServiceProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, bool keepAllOutput = false, string? assembly = null) =>
        ServiceProcess.StartAsync("Host", assembly ?? HostAssembly, workingDirectory, WithoutDemo(environment), "health", timeout, keepAllOutput);

    // No first-run demo history in a measured Host (a harness may turn it on in its environment).
    private static Dictionary<string, string> WithoutDemo(IReadOnlyDictionary<string, string> environment)
    {
        var withoutDemo = new Dictionary<string, string> { ["Demo__Seed"] = "false" };
        foreach (var (key, value) in environment)
        {
            withoutDemo[key] = value;
        }

        return withoutDemo;
    }
}
