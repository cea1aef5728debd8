using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// The built Host (Workflows.Host/bin/&lt;Configuration&gt;/net10.0/Workflows.Host.dll, the configuration this
/// harness was built with) as a child process on 127.0.0.1 and a free port, settings given as environment variables.
/// </summary>
internal sealed class HostRunner : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly List<string>? keptLines;

    private HostRunner(Process process, Uri baseAddress, bool keepAllOutput)
    {
        this.process = process;
        BaseAddress = baseAddress;
        keptLines = keepAllOutput ? [] : null;
    }

    public Uri BaseAddress { get; }

    /// <summary>CPU time the Host process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public string Tail => string.Join('\n', output.TakeLast(40));

    /// <summary>Every line written (only when started with keepAllOutput).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (keptLines!)
            {
                return [.. keptLines];
            }
        }
    }

    public static string SolutionFolder
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("Workflows.sln not found above the benchmark assembly.");
        }
    }

    public static string HostAssembly
    {
        get
        {
            // tests/Workflows.Benchmarks/bin/<Configuration>/net10.0/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(SolutionFolder, "Workflows.Host", "bin", configuration, "net10.0", "Workflows.Host.dll");
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
    public static async Task<HostRunner> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, bool keepAllOutput = false, string? assembly = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly ?? HostAssembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        // No first-run demo history in a measured Host (a harness may turn it on in its environment).
        info.Environment["Demo__Seed"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var host = new HostRunner(process, new Uri(url + "/"), keepAllOutput);
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

            await Task.Delay(200);
        }

        host.Dispose();
        throw new TimeoutException($"The Host did not answer /health within {timeout}:\n{host.Tail}");
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (keptLines is not null)
        {
            lock (keptLines)
            {
                keptLines.Add(line);
            }
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }
}
