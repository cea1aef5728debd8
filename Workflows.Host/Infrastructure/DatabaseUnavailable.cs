using System.Data.Common;
using System.Net.Sockets;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// A database failure that is not the request's fault and goes away by itself: the server refused or dropped the
/// connection, is starting up or shutting down (57P01, 57P02, 57P03), ran out of resources (class 53) or timed out.
/// Such a request answers 503 with Retry-After (an intake system retries it) instead of 500 (a bug). Conflicts
/// between transactions (deadlock, serialization failure) are not outages: the endpoints answer those with 409.
/// </summary>
internal static class DatabaseUnavailable
{
    /// <summary>The problem type of a 503 for a database outage.</summary>
    public const string ProblemType = "urn:workflows:problem:database-unavailable";

    /// <summary>Seconds a client should wait before retrying; the Host reconnects on its own once the database is back.</summary>
    public const int RetryAfterSeconds = 5;

    // Npgsql marks lock timeouts (55P03) and objects in use (55006) transient too: they are contention, not an outage.
    private static readonly HashSet<string> Conflicts = new(StringComparer.Ordinal)
    {
        DatabaseErrors.PostgresCodes.SerializationFailure, DatabaseErrors.PostgresCodes.DeadlockDetected,
        DatabaseErrors.PostgresCodes.LockNotAvailable, DatabaseErrors.PostgresCodes.ObjectInUse,
    };

    public static bool Is(Exception exception) => Cause(exception) is not null;

    /// <summary>What failed, in one line without a stack trace or any value the request carried (for the log).</summary>
    public static string Describe(Exception exception)
    {
        var cause = Cause(exception) ?? exception;
        var state = cause is DbException { SqlState: { } code } ? $" {code}" : string.Empty;
        var inner = cause.InnerException is { } root ? $" ({root.GetType().Name}: {root.Message})" : string.Empty;
        return $"{cause.GetType().Name}{state}: {cause.Message}{inner}";
    }

    // The first exception in the chain (EF wraps the provider's) that marks an outage.
    private static Exception? Cause(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException db && Outage(db))
            {
                return current;
            }
        }

        return null;
    }

    private static bool Outage(DbException exception)
    {
        if (exception.SqlState is { } state && Conflicts.Contains(state))
        {
            return false;
        }

        if (exception.SqlState is { Length: 5 } code
            && (code.StartsWith("08", StringComparison.Ordinal) || code.StartsWith("53", StringComparison.Ordinal)
                || code.StartsWith("58", StringComparison.Ordinal) || code is "57P01" or "57P02" or "57P03"))
        {
            return true;
        }

        // Npgsql marks connection failures (refused, reset, end of stream, timeouts) as transient.
        return exception.IsTransient || exception.InnerException is SocketException or IOException or TimeoutException;
    }
}
