using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Support;

/// <summary>
/// Keeps the text of every query EF sends while armed (to assert which tables a request reads), and counts the
/// transactions begun meanwhile.
/// </summary>
internal sealed class CommandRecorder : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<string> commands = new();
    private volatile bool armed;
    private int transactions;

    public IReadOnlyList<string> Commands => [.. commands];

    /// <summary>Transactions begun through EF while armed.</summary>
    public int Transactions => Volatile.Read(ref transactions);

    /// <summary>Adds the recorder to both providers' contexts; pass as a WorkflowsApp's <c>services</c>.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.ConfigureDbContext<SqliteWorkflowsDbContext>(o => o.AddInterceptors(this));
        services.ConfigureDbContext<PostgresWorkflowsDbContext>(o => o.AddInterceptors(this));
    }

    /// <summary>Forgets what was recorded and records from now on.</summary>
    public void Start()
    {
        commands.Clear();
        Interlocked.Exchange(ref transactions, 0);
        armed = true;
    }

    public void Stop() => armed = false;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        if (armed)
        {
            Interlocked.Increment(ref transactions);
        }

        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (armed)
        {
            commands.Enqueue(command.CommandText);
        }
    }
}
