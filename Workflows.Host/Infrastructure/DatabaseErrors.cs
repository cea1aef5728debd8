using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Infrastructure;

/// <summary>What a database error means for the caller, on either provider: the one place that knows the codes.</summary>
internal static class DatabaseErrors
{
    /// <summary>PostgreSQL SQLSTATE codes the Host reacts to.</summary>
    public static class PostgresCodes
    {
        public const string UniqueViolation = "23505";
        public const string SerializationFailure = "40001";
        public const string DeadlockDetected = "40P01";
        public const string LockNotAvailable = "55P03";
        public const string ObjectInUse = "55006";
    }

    /// <summary>SQLite primary result codes the Host reacts to.</summary>
    public static class SqliteCodes
    {
        public const int Busy = 5;
        public const int Locked = 6;
        public const int Constraint = 19;
    }

    /// <summary>
    /// The database gave up on a transaction because of a concurrent one: a PostgreSQL deadlock or
    /// serialization failure, or a SQLite file still locked after the busy timeout. Retrying would do.
    /// </summary>
    public static bool IsTransientConflict(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteCodes.Busy or SqliteCodes.Locked,
        DbException db => db.SqlState is PostgresCodes.DeadlockDetected or PostgresCodes.SerializationFailure,
        // EF wraps it: in a DbUpdateException, or (Npgsql's execution strategy, for an error it deems transient) in an
        // InvalidOperationException "likely due to a transient failure".
        { InnerException: { } inner } => IsTransientConflict(inner),
        _ => false,
    };

    /// <summary>A unique index refused the row (PostgreSQL unique_violation, SQLite SQLITE_CONSTRAINT).</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState == PostgresCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteCodes.Constraint,
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => false,
    };
}
