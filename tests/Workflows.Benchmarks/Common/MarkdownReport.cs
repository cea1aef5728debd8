using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Workflows.Benchmarks.Common;

/// <summary>
/// A benchmark's Markdown report: title, the command that produced it, the machine (cores, CPU, OS, .NET, load
/// average at start and at end, since the machine is shared) and whatever the command adds (lines, tables); written to
/// tests/Workflows.Benchmarks/results/ and echoed on the console. The one report writer of every benchmark command.
/// </summary>
internal sealed class MarkdownReport(string title, string command, string? loadAtStart = null)
{
    private readonly List<string> machine = [];
    private readonly StringBuilder body = new();

    /// <summary>Taken when the report is made, unless the command took it earlier (before it started its work).</summary>
    public string LoadAtStart { get; } = loadAtStart ?? LoadAverage();

    public string LoadAtEnd { get; private set; } = "n/a";

    public static string ResultsFolder => Path.Combine(ServiceProcess.SolutionFolder, "tests", "Workflows.Benchmarks", "results");

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg), or "n/a".</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    /// <summary>One more bullet of the Machine section (e.g. the PostgreSQL version, the Host's settings).</summary>
    public MarkdownReport Machine(string line)
    {
        machine.Add(line);
        return this;
    }

    public MarkdownReport Heading(string text)
    {
        body.AppendLine(CultureInfo.InvariantCulture, $"## {text}").AppendLine();
        return this;
    }

    /// <summary>A paragraph (or a bullet, starting with "- "), followed by a blank line unless <paramref name="tight"/>.</summary>
    public MarkdownReport Line(string text, bool tight = false)
    {
        body.AppendLine(text);
        if (!tight)
        {
            body.AppendLine();
        }

        return this;
    }

    /// <summary>A table; a column whose header starts with '&gt;' is right-aligned (numbers), the '&gt;' is not shown.</summary>
    public MarkdownReport Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        body.Append("| ").AppendJoin(" | ", headers.Select(h => h.TrimStart('>'))).AppendLine(" |");
        body.Append('|').AppendJoin('|', headers.Select(h => h.StartsWith('>') ? "---:" : "---")).AppendLine("|");
        foreach (var row in rows)
        {
            body.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        body.AppendLine();
        return this;
    }

    public override string ToString()
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# {title}").AppendLine();
        md.AppendLine(c, $"Command: `{command}`").AppendLine();
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine(c, $"- Cores: {Environment.ProcessorCount} ({CpuModel()}); OS: {RuntimeInformation.OSDescription}; .NET {Environment.Version}");
        md.AppendLine(c, $"- Load average (1/5/15 min) at start: {LoadAtStart}; at end: {LoadAtEnd}. The machine is shared: absolute times are upper bounds, compare the ratios of back-to-back runs.");
        foreach (var line in machine)
        {
            md.AppendLine(c, $"- {line}");
        }

        md.AppendLine();
        md.Append(body);
        return md.ToString();
    }

    /// <summary>Takes the load average at end, writes results/<paramref name="fileName"/>, prints the report; returns the file's path.</summary>
    public async Task<string> WriteAsync(string fileName)
    {
        LoadAtEnd = LoadAverage();
        var markdown = ToString();
        Console.WriteLine();
        Console.WriteLine(markdown);
        Directory.CreateDirectory(ResultsFolder);
        var file = Path.Combine(ResultsFolder, fileName);
        await File.WriteAllTextAsync(file, markdown);
        return file;
    }
}
