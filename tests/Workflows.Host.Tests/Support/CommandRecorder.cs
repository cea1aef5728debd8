using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Support;

/// <summary>Keeps the text of every query EF sends while armed (to assert which tables a request reads).</summary>
internal sealed class CommandRecorder : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> commands = new();
    private volatile bool armed;

    public IReadOnlyList<string> Commands => [.. commands];

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

    private void Record(DbCommand command)
    {
        if (armed)
        {
            commands.Enqueue(command.CommandText);
        }
    }
}
