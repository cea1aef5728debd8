using Microsoft.Data.Sqlite;
using Npgsql;

namespace Workflows.Host.Tests.Support;

/// <summary>A real, empty database for one test class; the subclasses only differ in provider.</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Configuration that points the Host at this database.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Database:Provider"] = Provider,
        [$"ConnectionStrings:{Provider}"] = ConnectionString,
    };

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

/// <summary>A temporary SQLite file, deleted at the end.</summary>
public sealed class SqliteDatabase : DatabaseFixture
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", Guid.NewGuid().ToString("N"));

    public override string Provider => "Sqlite";

    public override string ConnectionString => $"Data Source={Path.Combine(folder, "workflows.db")}";

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A fresh PostgreSQL database with a random name on the server named by WORKFLOWS_TEST_POSTGRES,
/// dropped at the end. Without the variable the tests fail: scripts/start-postgres.sh prints it.
/// </summary>
public sealed class PostgresDatabase : DatabaseFixture
{
    public const string Variable = "WORKFLOWS_TEST_POSTGRES";

    private readonly string name = $"workflows_test_{Guid.NewGuid():N}";
    private string? server;

    public override string Provider => "Postgres";

    public override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(server ?? throw new InvalidOperationException("The database is not created yet.")) { Database = name }.ConnectionString;

    public override async Task InitializeAsync()
    {
        server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. Start PostgreSQL with scripts/start-postgres.sh and set {Variable} to the connection string it prints " +
                "(e.g. Host=127.0.0.1;Port=5433;Username=workflows;Password=workflows;Database=postgres).");
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        if (server is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        // Dropping races now and then with the server still ending the class's own sessions (seen in CI as a class
        // clean-up failure after every test had passed): try again, and leave the database behind if it still
        // refuses, as the SQLite fixture leaves a temp file. The test cluster is disposable.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(server);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException) when (attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (PostgresException)
            {
                return;
            }
        }
    }
}
