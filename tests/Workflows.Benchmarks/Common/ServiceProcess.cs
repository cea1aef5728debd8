using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Benchmarks.Common;

/// <summary>
/// A built web application of the solution (bin/&lt;Configuration&gt;/net10.0/&lt;Project&gt;.dll, the configuration this
/// harness was built with) as a child process on 127.0.0.1 and a free port, settings given as environment variables,
/// returned once a path of it answers 200; killed with its process tree on dispose. The one home of "start a process
/// and wait until it answers" for every benchmark command (the Host, the Designer).
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly List<string>? keptLines;

    private ServiceProcess(Process process, Uri baseAddress, bool keepAllOutput)
    {
        this.process = process;
        BaseAddress = baseAddress;
        keptLines = keepAllOutput ? [] : null;
    }

    public Uri BaseAddress { get; }

    /// <summary>The operating system's process id (e.g. to read /proc/&lt;pid&gt;/status).</summary>
    public int Id => process.Id;

    /// <summary>CPU time the process has used so far.</summary>
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

    /// <summary>The folder of <paramref name="project"/> (e.g. Workflows.Host) in the solution.</summary>
    public static string ProjectFolder(string project) => Path.Combine(SolutionFolder, project);

    /// <summary>The project's built assembly in the configuration this harness was built with.</summary>
    public static string BuiltAssembly(string project)
    {
        // tests/Workflows.Benchmarks/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(ProjectFolder(project), "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first: {dll} does not exist.", dll);
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts <paramref name="assembly"/> with <c>dotnet</c> and waits until GET <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string name, string assembly, string workingDirectory, IReadOnlyDictionary<string, string> environment, string readyPath, TimeSpan timeout, bool keepAllOutput = false)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"The {name} did not start.");
        var service = new ServiceProcess(process, new Uri(url + "/"), keepAllOutput);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {name} exited with {process.ExitCode}:\n{service.Tail}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(readyPath, UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return service;
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

        service.Dispose();
        throw new TimeoutException($"The {name} did not answer {readyPath} within {timeout}:\n{service.Tail}");
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
