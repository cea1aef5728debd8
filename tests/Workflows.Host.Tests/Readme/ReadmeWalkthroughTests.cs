using System.Diagnostics;
using System.Text.RegularExpressions;
using Workflows.Host.Tests.Runtime;

namespace Workflows.Host.Tests.Readme;

/// <summary>
/// The README's curl walkthrough, run as written against the built Host on SQLite with the repository's own
/// definitions and the Development keys — what a reader gets after <c>./run.sh</c>. Keeps the README true.
/// </summary>
public sealed partial class ReadmeWalkthroughTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "workflows-readme-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_walkthrough_runs_from_intake_to_a_resolved_dossier_and_its_timeline()
    {
        Directory.CreateDirectory(folder);
        // <root>/Workflows.Host/bin/<Configuration>/net10.0/Workflows.Host.dll → <root>
        var repositoryRoot = new FileInfo(HostProcess.HostAssembly).Directory!.Parent!.Parent!.Parent!.Parent!.FullName;
        var script = Walkthrough(await File.ReadAllTextAsync(Path.Combine(repositoryRoot, "README.md")));
        var port = HostProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "workflows.db")}",
            ["Definitions__Path"] = Path.Combine(repositoryRoot, "definitions"),
            ["Notifications__Folder"] = Path.Combine(folder, "notifications"),
            ["Logging__LogLevel__Default"] = "Warning",
            // As the README says: the walkthrough runs on a database without the first-run demo history.
            ["Demo__Seed"] = "false",
        };
        using var host = await HostProcess.StartAsync(port, folder, environment, TimeSpan.FromSeconds(60));

        var (exitCode, output) = await RunBashAsync(script.Replace("http://127.0.0.1:5080", $"http://127.0.0.1:{port}", StringComparison.Ordinal), folder);

        Assert.True(exitCode == 0, $"The walkthrough failed ({exitCode}):\n{output}\nHost:\n{host.Tail}");
        Assert.Matches(DossierCode(), output);
        Assert.Contains("\"status\":2", output, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(output, "^200$", RegexOptions.Multiline));
        Assert.Contains("\"status\":9", output, StringComparison.Ordinal);
        Assert.Contains("\"handovers\":[", output, StringComparison.Ordinal);
        var code = DossierCode().Match(output).Groups["code"].Value;
        var receipt = await File.ReadAllTextAsync(Path.Combine(folder, "giay-tiep-nhan.html"));
        Assert.Contains(code, receipt, StringComparison.Ordinal);
        Assert.Contains("<svg", receipt, StringComparison.Ordinal);
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

    /// <summary>The first bash block after the walkthrough heading.</summary>
    private static string Walkthrough(string readme)
    {
        var heading = readme.IndexOf("## A two-minute walkthrough", StringComparison.Ordinal);
        Assert.True(heading >= 0, "README.md has no walkthrough.");
        var start = readme.IndexOf("```bash", heading, StringComparison.Ordinal) + "```bash".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("-eo");
        info.ArgumentList.Add("pipefail");
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("\"dossierCode\":\"(?<code>[^\"]+-\\d{6}-\\d{4,})\"")]
    private static partial Regex DossierCode();
}
