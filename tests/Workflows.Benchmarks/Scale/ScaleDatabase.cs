using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// A fresh PostgreSQL database for one S4 command: the Host under test creates its schema, rows are then written or
/// cloned with plain SQL, and the database (and any copies) is dropped at the end unless --keep is given.
/// </summary>
internal sealed class ScaleDatabase : IAsyncDisposable
{
    public const string AdministratorKey = "dev-admin-key";
    public const string IntakeKey = "dev-intake-key";
    public const string DesignerKey = "dev-designer-key";

    private readonly List<string> created = [];
    private readonly bool keep;

    private ScaleDatabase(string server, string name, bool keep)
    {
        Server = server;
        Name = name;
        this.keep = keep;
        Work = Path.Combine(Path.GetTempPath(), name);
        Directory.CreateDirectory(Work);
    }

    /// <summary>The maintenance connection string (database postgres).</summary>
    public string Server { get; }

    public string Name { get; }

    /// <summary>The Host's working folder (notifications).</summary>
    public string Work { get; }

    public string ConnectionString => For(Name);

    public static async Task<ScaleDatabase?> CreateAsync(string[] args, string prefix)
    {
        var server = Options.String(args, "--connection") ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("No PostgreSQL: set WORKFLOWS_TEST_POSTGRES or pass --connection.");
            return null;
        }

        var name = $"workflows_{prefix}_{DateTime.Now.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        var database = new ScaleDatabase(server, name, args.Contains("--keep"));
        await database.CreateDatabaseAsync(name, template: null);

        // The Host under test creates the schema (its migrations) and seeds its principals and calendars.
        using (await database.StartHostAsync(background: false))
        {
        }

        return database;
    }

    /// <summary>
    /// An existing database, timed as it is: nothing is created or generated, and it is never dropped (whatever
    /// --keep says). A Host started on it would apply its pending migrations, so a command that must not write (the
    /// lookups) refuses a database whose schema is not the Host's.
    /// </summary>
    public static ScaleDatabase? Existing(string[] args, string name)
    {
        var server = Options.String(args, "--connection") ?? Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("No PostgreSQL: set WORKFLOWS_TEST_POSTGRES or pass --connection.");
            return null;
        }

        return new ScaleDatabase(server, name, keep: false);
    }

    public string For(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database, Pooling = true, SslMode = SslMode.Disable, CommandTimeout = 3600 }.ConnectionString;

    /// <summary>Creates a database, from <paramref name="template"/> when given (a file copy: seconds, whatever the rows).</summary>
    public async Task CreateDatabaseAsync(string name, string? template)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(Server, template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}");
        created.Add(name);
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        // FORCE cannot end a backend of another role (e.g. a monitoring session that just connected): try again shortly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(Server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                break;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006" && attempt < 10)
            {
                Log($"dropping {name}: {e.MessageText}; again in 3 s");
                await Task.Delay(3000);
            }
        }

        created.Remove(name);
    }

    /// <summary>
    /// The Release Host (or <paramref name="assembly"/>, an earlier build to compare with) on this database (or
    /// <paramref name="database"/>), development keys, Warning logs.
    /// </summary>
    public Task<ServiceProcess> StartHostAsync(bool background, string? database = null, IReadOnlyDictionary<string, string>? extra = null, string? assembly = null) =>
        HostRunner.StartAsync(Work, HostEnvironment(background, database, extra), TimeSpan.FromMinutes(5), assembly: assembly);

    public Dictionary<string, string> HostEnvironment(bool background, string? database = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = For(database ?? Name),
            ["Definitions__Path"] = Path.Combine(ServiceProcess.SolutionFolder, "definitions"),
            ["Notifications__Folder"] = Path.Combine(Work, "notifications"),
            ["Runtime__Background"] = background ? "true" : "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (keep)
        {
            Log($"kept databases {string.Join(", ", created)}");
            return;
        }

        foreach (var name in created.ToList())
        {
            await DropDatabaseAsync(name);
        }

        Directory.Delete(Work, recursive: true);
    }

    public async Task<NpgsqlConnection> OpenAsync(string? database = null)
    {
        var connection = new NpgsqlConnection(For(database ?? Name));
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, sql);
    }

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Copies every row of the instance <paramref name="source"/> (instance, dossier, tasks, bookmarks, journal,
    /// outbox) <paramref name="count"/> times, numbered from <paramref name="first"/>: each copy gets new ids derived
    /// from the old id and its number (so a task and the bookmark with the same id stay paired), its own code and
    /// intake code, and the instance's tokens refer to the copied bookmarks. <paramref name="overrides"/> are SQL
    /// expressions per table and column over the source row <c>s</c> and the copy number <c>m.n</c>.
    /// </summary>
    public static async Task CloneAsync(NpgsqlConnection db, Guid source, int first, int count, IReadOnlyDictionary<(string Table, string Column), string>? overrides = null)
    {
        var ids = new List<Guid>();
        await using (var command = new NpgsqlCommand($"SELECT id FROM tasks WHERE instance_id = '{source}' UNION SELECT id FROM bookmarks WHERE instance_id = '{source}'", db))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        // The tokens name the bookmarks they wait on: each copy's tokens name its own copies.
        var tokens = ids.Aggregate("s.tokens::text", (expression, id) => $"replace({expression}, '{id}', {NewId($"'{id}'::uuid")}::text)");
        var common = new Dictionary<(string, string), string>
        {
            [("instances", "id")] = "m.iid",
            [("instances", "tokens")] = $"({tokens})::jsonb",
            [("dossiers", "id")] = "m.iid",
            [("dossiers", "code")] = "s.code || '-' || m.n",
            [("dossiers", "external_code")] = "s.external_code || '-' || m.n",
            [("tasks", "id")] = NewId("s.id"),
            [("tasks", "instance_id")] = "m.iid",
            [("bookmarks", "id")] = NewId("s.id"),
            [("bookmarks", "instance_id")] = "m.iid",
            [("journal", "instance_id")] = "m.iid",
            [("outbox", "id")] = "md5(s.id::text || '-' || m.n)::uuid",
            [("outbox", "instance_id")] = "m.iid",
            // A copy's messages were delivered long ago (as a city's older dossiers' are): left pending, every copy's
            // statusChanged would be delivered when the Host starts and compete with what is measured.
            [("outbox", "delivered_at")] = "coalesce(s.delivered_at, s.created_at)",
            [("outbox", "attempts")] = "greatest(s.attempts, 1)",
            [("outbox", "next_attempt_at")] = "NULL",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<(string, string), string>())
        {
            common[key] = value;
        }

        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"CREATE TEMP TABLE m AS SELECT n, md5('copy-{source}-' || n)::uuid AS iid FROM generate_series({first}, {first + count - 1}) n;\n");
        foreach (var table in new[] { "instances", "dossiers", "tasks", "bookmarks", "journal", "outbox" })
        {
            var columns = await ColumnsAsync(db, table);
            var key = table is "instances" or "dossiers" ? "id" : "instance_id";
            var values = columns.Select(c => common.TryGetValue((table, c), out var expression) ? expression : $"s.\"{c}\"");
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) SELECT {string.Join(", ", values)} FROM {table} s, m WHERE s.{key} = '{source}';\n");
        }

        sql.Append("DROP TABLE m;\n");
        await ExecuteAsync(db, sql.ToString());
    }

    private static string NewId(string old) => $"(CASE WHEN {old} IS NULL THEN NULL ELSE md5({old}::text || '-' || m.n)::uuid END)";

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection db, string table)
    {
        var columns = new List<string>();
        await using var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @t AND is_generated = 'NEVER' AND identity_generation IS NULL ORDER BY ordinal_position", db);
        command.Parameters.AddWithValue("t", table);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>Command-line options and order statistics shared by the S4 commands.</summary>
internal static class Options
{
    public static int Int(string[] args, string name, int fallback) =>
        String(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public static string? String(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static int[] Ints(string[] args, string name, int[] fallback) =>
        String(args, name) is { } value ? [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : fallback;

    /// <summary>Nearest-rank percentile (0.5 is the median of an odd count).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[(sorted.Count / 2)]) / 2;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static double Ms(this Stopwatch watch) => watch.Elapsed.TotalMilliseconds;
}
