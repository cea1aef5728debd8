using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Workflows.Host.Persistence;

/// <summary>
/// PostgreSQL: writes a <see cref="CommitHook"/>'s lead statement, then every row a context tracks as added, as one
/// batch sent without an explicit transaction. PostgreSQL runs the statements of one batch (one Sync) as an implicit transaction: the
/// first error rolls all of them back, and the batch commits when its last statement is done, before the server
/// answers ready. So a dossier's start costs one round trip where BEGIN with SaveChanges, the numbering and COMMIT cost three.
/// </summary>
/// <remarks>
/// Only for commits that insert: an update guarded by a version must fail the whole commit when it finds no row, and
/// "0 rows" is not an error that would roll a batch back, so such commits keep EF's transactional SaveChanges. The rows
/// are the ones EF tracks (built by the same staging code), written with EF's own column names, type mappings and value
/// converters; the insert SQL of each table is built once and, being constant, prepared by Npgsql's automatic
/// preparation.
/// </remarks>
internal static partial class InsertBatch
{
    private static readonly ConcurrentDictionary<IEntityType, TableInsert?> Inserts = new();

    // CreateParameter needs a command only to call its CreateParameter(); the parameter is added to a batch command.
    private static readonly NpgsqlCommand ParameterFactory = new();

    /// <summary>Whether <see cref="ExecuteAsync"/> can write what <paramref name="db"/> tracks: PostgreSQL, only additions, of tables it knows.</summary>
    public static bool CanWrite(WorkflowsDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Save interceptors (a replay's marks its messages delivered) see SaveChanges only: with any, EF saves. Command
        // interceptors (the tests' recorders) do not change what is written, so they keep the one round trip.
        if (!db.Database.IsNpgsql() || db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<ISaveChangesInterceptor>().Any() == true)
        {
            return false;
        }

        foreach (var entry in db.ChangeTracker.Entries())
        {
            var writable = entry.State switch
            {
                EntityState.Added => For(entry.Metadata) is not null,
                EntityState.Unchanged or EntityState.Detached => true, // nothing to write
                _ => false, // an update or a delete needs EF's checked SaveChanges
            };
            if (!writable)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Runs <paramref name="hook"/>'s lead statement, then inserts the added rows (parents first), in one round trip; returns once committed.</summary>
    public static async Task ExecuteAsync(WorkflowsDbContext db, CommitHook hook, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hook);
        var added = db.ChangeTracker.Entries()
            .Where(e => e.State == EntityState.Added)
            .Select(e => (Entry: e, Insert: For(e.Metadata)!))
            .OrderBy(e => e.Insert.Depth)
            .ToList();

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            // EF's command timeout (Npgsql's default otherwise), as SaveChanges would use.
            await using var batch = new NpgsqlBatch(connection) { Timeout = db.Database.GetCommandTimeout() ?? connection.CommandTimeout };
            batch.BatchCommands.Add(hook.PostgresLead());
            foreach (var (entry, insert) in added)
            {
                batch.BatchCommands.Add(insert.Command(entry, hook));
            }

            var started = Stopwatch.GetTimestamp();
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await hook.ReadLeadAsync(reader, cancellationToken);

                // Reading to the end takes the server's "ready" after the commit: only then is the batch durable, and
                // a failed commit surfaces here as an exception.
                while (await reader.NextResultAsync(cancellationToken))
                {
                }
            }

            if (logger.IsEnabled(LogLevel.Debug))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
                var text = string.Join(";\n", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText));
                LogBatch(logger, elapsed, batch.BatchCommands.Count, text);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static TableInsert? For(IEntityType type) => Inserts.GetOrAdd(type, TableInsert.Build);

    // Debug: statement text (never parameter values) is for diagnosing, and about 8 KB per intake.
    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Executed insert batch ({elapsed} ms) of {count} statements without an explicit transaction: {commandText}")]
    private static partial void LogBatch(ILogger logger, string elapsed, int count, string commandText);

    /// <summary>The INSERT of one table: SQL built once, and the properties whose values fill its parameters.</summary>
    private sealed class TableInsert(string name, string columns, IProperty[] properties, RelationalTypeMapping[] mappings, int depth)
    {
        private readonly string sql = $"INSERT INTO {name} ({columns}) VALUES ({string.Join(", ", properties.Select((_, i) => Parameter(i)))})";

        /// <summary>Foreign-key depth: a row is inserted after the rows it refers to.</summary>
        public int Depth { get; } = depth;

        public static TableInsert? Build(IEntityType type)
        {
            var table = type.GetTableName();
            if (table is null || type.IsOwned() || type.GetDiscriminatorPropertyName() is not null)
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(table, type.GetSchema());
            var properties = type.GetProperties().ToArray();
            // A value the database generates (an identity key, a default read back) needs EF's RETURNING handling.
            if (properties.Any(p => p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.ClrType != typeof(Guid)))
            {
                return null;
            }

            var mappings = properties.Select(p => (RelationalTypeMapping)p.GetRelationalTypeMapping()).ToArray();
            var columns = string.Join(", ", properties.Select(p => Quote(p.GetColumnName(store)!)));
            var name = type.GetSchema() is { } schema ? Quote(schema) + "." + Quote(table) : Quote(table);
            return new TableInsert(name, columns, properties, mappings, DepthOf(type, 0));
        }

        public NpgsqlBatchCommand Command(EntityEntry entry, CommitHook hook)
        {
            // A column the hook writes itself (e.g. the code its lead statement took) makes a statement of its own,
            // as constant as the plain one, so both are prepared.
            string[]? values = null;
            for (var i = 0; i < properties.Length; i++)
            {
                if (hook.ColumnSql(entry, properties[i]) is { } columnSql)
                {
                    values ??= properties.Select((_, j) => Parameter(j)).ToArray();
                    values[i] = string.Format(System.Globalization.CultureInfo.InvariantCulture, columnSql, Parameter(i));
                }
            }

            var command = new NpgsqlBatchCommand(values is null ? sql : $"INSERT INTO {name} ({columns}) VALUES ({string.Join(", ", values)})");
            for (var i = 0; i < properties.Length; i++)
            {
                // The mapping converts (e.g. instants to UTC) and types the parameter (jsonb, timestamptz) as EF would.
                var value = entry.Property(properties[i]).CurrentValue;
                command.Parameters.Add((NpgsqlParameter)mappings[i].CreateParameter(ParameterFactory, string.Empty, value, properties[i].IsNullable, ParameterDirection.Input));
            }

            return command;
        }

        private static string Parameter(int index) => "$" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static int DepthOf(IEntityType type, int guard) =>
            guard > 16
                ? throw new InvalidOperationException($"Foreign keys of {type.DisplayName()} form a cycle.")
                : type.GetForeignKeys().Where(f => f.PrincipalEntityType != type).Select(f => 1 + DepthOf(f.PrincipalEntityType, guard + 1)).DefaultIfEmpty(0).Max();

        private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
