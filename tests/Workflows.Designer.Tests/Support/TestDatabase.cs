using Npgsql;

namespace Workflows.Designer.Tests.Support;

/// <summary>
/// A fresh PostgreSQL database with a random name on the server named by WORKFLOWS_TEST_POSTGRES (test.sh starts it
/// and sets the variable), dropped at the end.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string server;

    private TestDatabase(string server, string name)
    {
        this.server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("WORKFLOWS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException("WORKFLOWS_TEST_POSTGRES is not set: run ./test.sh, or scripts/start-postgres.sh and export what it prints.");
        }

        var database = new TestDatabase(server, "designer_" + Guid.NewGuid().ToString("N")[..12]);
        await database.ExecuteAsync($"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // The Host process was just killed and the server may still be ending its sessions: try again, then leave the
        // database behind (the test cluster is disposable) rather than fail a run whose tests all passed.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
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

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
