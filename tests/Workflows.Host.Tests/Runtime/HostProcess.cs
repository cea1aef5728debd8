using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Host.Tests.Runtime;

/// <summary>
/// The built Host (Workflows.Host/bin/&lt;Configuration&gt;/net10.0/Workflows.Host.dll) run as a real child
/// process on 127.0.0.1 and a free port, with settings given as environment variables.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private HostProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The operating system's process id (e.g. to read /proc/&lt;pid&gt;).</summary>
    public int Id => process.Id;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Tail => string.Join('\n', output.TakeLast(40));

    public static string HostAssembly
    {
        get
        {
            // tests/Workflows.Host.Tests/bin/<Configuration>/net10.0/ → the solution folder.
            var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = bin.Parent!.Name;
            var folder = bin;
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                folder = folder.Parent;
            }

            var dll = Path.Combine(folder?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above the test assembly."),
                "Workflows.Host", "bin", configuration, "net10.0", "Workflows.Host.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build Workflows.Host first: {dll} does not exist.", dll);
        }
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts the Host and waits until /health answers 200.</summary>
    public static async Task<HostProcess> StartAsync(int port, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostAssembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        // No first-run demo history in a Host under test (a test may turn it on in its environment).
        info.Environment["Demo__Seed"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var host = new HostProcess(process, new Uri(url + "/"));
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // HasExited can be true before the last output lines reach the handler; the parameterless wait
                // returns once the redirected streams are drained, so the message says what the Host last wrote.
                process.WaitForExit();
                throw new InvalidOperationException($"The Host exited with {process.ExitCode}:\n{host.Tail}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(100);
        }

        host.Kill();
        throw new TimeoutException($"The Host did not answer /health within {timeout}:\n{host.Tail}");
    }

    /// <summary>SIGKILL, the whole process tree: no shutdown hooks run.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as a service manager or container runtime stops the Host: its shutdown hooks run.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until the process exits or <paramref name="timeout"/> passes; true when it exited.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => process.ExitCode;

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }
}
