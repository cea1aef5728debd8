using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Workflows.Host.Tests.Support;

/// <summary>
/// A PostgreSQL server of the test's own (initdb into a temporary folder, pg_ctl on a free port), for tests that stop
/// and start the database: the shared cluster of WORKFLOWS_TEST_POSTGRES is never stopped. Uses the newest server
/// under /usr/lib/postgresql (what scripts/start-postgres.sh installs); as root, the server runs as the postgres user.
/// </summary>
public sealed class PrivatePostgres : DatabaseFixture
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "workflows-private-pg-" + Guid.NewGuid().ToString("N"));
    private string? bin;
    private int port;

    public override string Provider => "Postgres";

    // Trust authentication on 127.0.0.1 only (initdb -A trust); short timeouts so an outage shows at once.
    public override string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "workflows",
        Database = "workflows",
        Timeout = 5,
    }.ConnectionString;

    private string DataFolder => Path.Combine(folder, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public override async Task InitializeAsync()
    {
        bin = FindServer();
        Directory.CreateDirectory(folder);
        if (IsRoot)
        {
            // The server refuses to run as root: the folder and the server belong to the postgres user.
            await RunAsync("chown", "postgres:postgres", folder);
        }

        port = FreePort();
        await RunServerToolAsync("initdb", "-D", DataFolder, "-U", "workflows", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        await StartAsync();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE DATABASE workflows", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Starts the server (again, on the same port and data) and waits until it accepts connections.</summary>
    public Task StartAsync() => RunServerToolAsync(
        "pg_ctl", "-D", DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
        "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>Stops the server as a crash would (immediate shutdown: connections are dropped, no checkpoint).</summary>
    public Task StopAsync() => RunServerToolAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop");

    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (bin is not null && File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await StopAsync();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static string FindServer()
    {
        var root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")) && File.Exists(Path.Combine(d.Bin, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            $"No PostgreSQL server under {root} (initdb, pg_ctl). Run scripts/start-postgres.sh (or ./test.sh), which installs it.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var free = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return free;
    }

    private Task RunServerToolAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(bin!, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The caller's PG* settings would point the tools elsewhere.
        foreach (var variable in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGDATA", "PGCLUSTER" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server running with our pipes inherited: read to the tool's exit, not to the pipes' end.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
