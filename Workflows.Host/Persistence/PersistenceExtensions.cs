using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Persistence;

internal static class PersistenceExtensions
{
    /// <summary>
    /// Registers the provider chosen by <c>Database:Provider</c> (Sqlite by default, or Postgres), the
    /// <see cref="ChangesetStore"/> and the database health check.
    /// </summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddValidatedOptions<DatabaseOptions>(configuration, DatabaseOptions.Section);

        // Save interceptors registered in the provider apply to its contexts (a replay's provider marks its messages delivered).
        switch (options.ProviderKind)
        {
            case DatabaseProvider.Postgres:
                var postgres = configuration.GetConnectionString("Postgres")
                    ?? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set.");
                // Pooled: a request reuses a context instead of building its services anew (the pool resets its state).
                services.AddDbContextPool<PostgresWorkflowsDbContext>((p, o) => o.UseNpgsql(WithStatementCache(postgres)).ConfigureWarnings(OneLinePerFailure).AddInterceptors(p.GetServices<ISaveChangesInterceptor>()));
                services.AddScoped<WorkflowsDbContext>(p => p.GetRequiredService<PostgresWorkflowsDbContext>());
                break;
            default:
                var sqlite = configuration.GetConnectionString("Sqlite") ?? DatabaseOptions.DefaultSqliteConnection;
                EnsureSqliteFolder(sqlite);
                services.AddDbContextPool<SqliteWorkflowsDbContext>((p, o) => o.UseSqlite(sqlite).ConfigureWarnings(OneLinePerFailure).AddInterceptors(p.GetServices<ISaveChangesInterceptor>()));
                services.AddScoped<WorkflowsDbContext>(p => p.GetRequiredService<SqliteWorkflowsDbContext>());
                break;
        }

        services.AddScoped<ChangesetStore>();
        services.AddHealthChecks().AddDbContextCheck<WorkflowsDbContext>("database");
        return services;
    }

    /// <summary>
    /// EF logs a failed command, connection, query or save at Error with its stack trace, and the request's or worker's
    /// handler logs the same exception again: EF's events go to Debug, so a failure is one log line (the handler's).
    /// </summary>
    private static void OneLinePerFailure(WarningsConfigurationBuilder warnings) => warnings.Log(
        (RelationalEventId.ConnectionError, LogLevel.Debug),
        (RelationalEventId.CommandError, LogLevel.Debug),
        (RelationalEventId.TransactionError, LogLevel.Debug),
        (CoreEventId.QueryIterationFailed, LogLevel.Debug),
        (CoreEventId.SaveChangesFailed, LogLevel.Debug));

    /// <summary>The longest a migration's statement may run.</summary>
    public static readonly TimeSpan MigrationTimeout = TimeSpan.FromHours(2);

    /// <summary>Applies pending migrations of the configured provider.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        // A migration that builds a roll-up from a year of rows (TaskMonthCounts: tens of millions of tasks) runs for
        // minutes, far beyond a request's command timeout; the upgrade must finish rather than stop half way.
        db.Database.SetCommandTimeout(MigrationTimeout);
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// Lets Npgsql prepare the statements the Host sends over and over (intake, completion, queues), so PostgreSQL
    /// skips parsing and planning them on every request, and reuse pooled connections without reset statements;
    /// a connection string that sets either keeps its own value (docs/adr/003-durable-request-path.md).
    /// </summary>
    internal static string WithStatementCache(string connectionString)
    {
        // The keys as written (any case, with or without spaces), not Npgsql's parsed values, which always have defaults.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MAXAUTOPREPARE") && !given.Contains("AUTOPREPAREMINUSAGES"))
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("NORESETONCLOSE"))
        {
            // The Host leaves no session state behind (no SET, LISTEN, temporary tables or session advisory locks:
            // the timer runner's locks end with their transaction), so a pooled connection needs no reset statements
            // before its next request.
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    // "Data Source=data/workflows.db": create data/ on first run.
    private static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder) && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }
}
