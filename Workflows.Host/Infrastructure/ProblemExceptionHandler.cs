using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// The one place typed exceptions become ProblemDetails. Anything unexpected is a 500 with no internals;
/// user input never gets here as an unexpected exception.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger, IHostApplicationLifetime lifetime) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A decision script (or a query) stopped because the Host is stopping: nothing was committed, and the
            // caller may send the same request again to another instance or after the restart.
            return await RetryLaterAsync(httpContext, exception, new ProblemDetails { Title = "The Host is stopping", Detail = "Nothing was stored; send the request again." }.Coded(ApiProblemCodes.HostStopping));
        }

        if (DatabaseUnavailable.Is(exception))
        {
            // An outage is not a bug: one log line without a stack trace (EF's own failure events are at Debug), and a 503
            // the intake system can tell from a 500 and retry after Retry-After.
            logger.DatabaseUnavailable(httpContext.Request.Method, httpContext.Request.Path, DatabaseUnavailable.Describe(exception));
            return await RetryLaterAsync(httpContext, exception, new ProblemDetails
            {
                Type = DatabaseUnavailable.ProblemType,
                Title = "The database is unavailable",
                Detail = $"Nothing was changed by this request; retry it after {DatabaseUnavailable.RetryAfterSeconds} seconds.",
            }.Coded(ApiProblemCodes.DatabaseUnavailable, new Dictionary<string, object?> { ["retryAfterSeconds"] = DatabaseUnavailable.RetryAfterSeconds }));
        }

        var (status, title) = exception switch
        {
            NotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            ConflictException => (StatusCodes.Status409Conflict, "Conflict"),
            ConcurrencyConflictException => (StatusCodes.Status409Conflict, "The dossier changed since it was read"),
            PublishedVersionImmutableException => (StatusCodes.Status409Conflict, "Published versions are immutable"),
            // The framework's own binding of a request body (malformed JSON included); the Host reads every other body
            // itself and answers its errors. A JsonException that gets here came from stored data: a server fault (500).
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            // A due time past what the working calendar can count (a definition stored before the validator bounded it).
            Workflows.Engine.Calendar.CalendarRangeException => (StatusCodes.Status422UnprocessableEntity, "The due time cannot be counted on the working calendar"),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred"),
        };

        if (status >= 500)
        {
            logger.UnhandledException(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var details = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = status >= 500 ? null : exception.Message,
        };
        // The kinds a client tells apart get their own code; the others get their status's (ApiProblemCodes.AddCodeByStatus).
        _ = exception switch
        {
            ConcurrencyConflictException => details.Coded(ApiProblemCodes.DossierChanged),
            PublishedVersionImmutableException immutable => details.Coded(ApiProblemCodes.PublishedVersionImmutable,
                new Dictionary<string, object?> { ["procedure"] = immutable.Code, ["version"] = immutable.Version }),
            Workflows.Engine.Calendar.CalendarRangeException => details.Coded(ApiProblemCodes.CalendarRange),
            _ => details,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    // 503 with Retry-After: nothing was stored, and the same request succeeds later, here or on another Host.
    private ValueTask<bool> RetryLaterAsync(HttpContext httpContext, Exception exception, ProblemDetails details)
    {
        details.Status = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
