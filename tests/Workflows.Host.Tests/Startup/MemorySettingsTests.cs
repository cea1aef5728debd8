using Workflows.Host.Tests.Runtime;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Startup;

/// <summary>
/// The Host process runs with the garbage collector docs/benchmarks.md (S5) measured and the README names: workstation
/// GC without background collections (one heap, no GC threads of its own), about 56 MB less at rest than Server GC.
/// The settings are read from the built Host's runtimeconfig.json (what run.sh and a publish start it with), and the
/// Host is started that way and its threads read from /proc: the runtime names a Server GC thread ".NET Server GC"
/// (created at start-up); the background GC thread (".NET BGC") may appear only at the first background collection,
/// so its absence alone would prove little: the configuration says it.
/// </summary>
public sealed class MemorySettingsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", "memory-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_host_process_collects_garbage_on_one_heap_without_background_collections()
    {
        Assert.True(OperatingSystem.IsLinux(), "This test reads the Host's threads from /proc (Linux).");
        Directory.CreateDirectory(folder);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "workflows.db")}",
            ["Definitions__Path"] = WorkflowsApp.SampleDefinitions,
            ["Notifications__Folder"] = Path.Combine(folder, "notifications"),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var host = await HostProcess.StartAsync(HostProcess.FreePort(), folder, environment, TimeSpan.FromSeconds(60));

        var threads = Directory.EnumerateDirectories($"/proc/{host.Id}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())
            .ToList();

        var configuration = System.Text.Json.Nodes.JsonNode.Parse(
            await File.ReadAllTextAsync(Path.ChangeExtension(HostProcess.HostAssembly, ".runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!;
        Assert.False((bool?)configuration["System.GC.Server"] ?? false);
        Assert.False((bool?)configuration["System.GC.Concurrent"] ?? true);
        Assert.Contains(".NET Finalizer", threads);
        Assert.DoesNotContain(".NET Server GC", threads);
        Assert.DoesNotContain(".NET BGC", threads);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
