using System.Diagnostics;
using System.Net;
using Workflows.Benchmarks.Durable;

namespace Workflows.Benchmarks.Designer;

/// <summary>
/// The built Designer (Workflows.Designer/bin/&lt;Configuration&gt;/net10.0/Workflows.Designer.dll, the configuration
/// this harness was built with) as a child process on a free port, pointed at a Host; killed at the end.
/// </summary>
internal sealed class DesignerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private DesignerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<DesignerProcess> StartAsync(Uri host, string work, TimeSpan timeout)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var project = Path.Combine(HostRunner.SolutionFolder, "Workflows.Designer");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Workflows.Designer.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build Workflows.Designer first: {dll} does not exist.", dll);
        }

        var address = new Uri($"http://127.0.0.1:{HostRunner.FreePort()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            // Development (for the development users and keys the Host seeds): the static web assets manifest is found from the project folder.
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(address.ToString().TrimEnd('/'));
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Host__BaseUrl"] = host.ToString();
        info.Environment["DataProtection__KeysPath"] = Path.Combine(work, "designer-keys");

        var designer = new DesignerProcess(Process.Start(info) ?? throw new InvalidOperationException("The Designer did not start."), address);
        designer.process.OutputDataReceived += (_, e) => designer.Keep(e.Data);
        designer.process.ErrorDataReceived += (_, e) => designer.Keep(e.Data);
        designer.process.BeginOutputReadLine();
        designer.process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (designer.process.HasExited)
            {
                throw new InvalidOperationException($"The Designer exited with {designer.process.ExitCode}:\n{designer.Tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("dang-nhap", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return designer;
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

        designer.Dispose();
        throw new TimeoutException($"The Designer did not answer within {timeout}:\n{designer.Tail}");
    }

    public string Tail
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output.TakeLast(40));
            }
        }
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

        lock (output)
        {
            output.Add(line);
            if (output.Count > 400)
            {
                output.RemoveRange(0, 200);
            }
        }
    }
}
