using Microsoft.AspNetCore.Mvc;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// The stable, machine-readable codes of the Host's problems: every ProblemDetails carries one in its <c>code</c>
/// extension, and the values a client needs to say it in its own words in <c>args</c> (names as in the code's
/// documentation). Title and detail stay English for operators and logs; the Designer renders the officer's text in
/// Vietnamese or English from its own resources by code, and shows the Host's text for a code it does not know. A code,
/// once published, keeps its meaning; a new kind of problem gets a new code.
/// </summary>
internal static class ApiProblemCodes
{
    public const string Extension = "code";
    public const string ArgsExtension = "args";

    // Codes a problem gets from its status when the endpoint named none.
    public const string InvalidRequest = "invalidRequest";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "notFound";
    public const string MethodNotAllowed = "methodNotAllowed";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "preconditionFailed";
    public const string TooLarge = "tooLarge";
    public const string Unprocessable = "unprocessable";
    public const string Locked = "locked";
    public const string TooManyRequests = "tooManyRequests";
    public const string Unexpected = "unexpected";
    public const string Unavailable = "unavailable";

    /// <summary>The database does not answer (503 with Retry-After); args: <c>retryAfterSeconds</c>.</summary>
    public const string DatabaseUnavailable = "databaseUnavailable";

    /// <summary>The Host is stopping; nothing was stored (503).</summary>
    public const string HostStopping = "hostStopping";

    /// <summary>A procedure has no published version, or does not exist; args: <c>procedure</c>.</summary>
    public const string ProcedureNotFound = "procedureNotFound";

    /// <summary>A procedure has no such version; args: <c>procedure</c>, <c>version</c>.</summary>
    public const string VersionNotFound = "versionNotFound";

    /// <summary>A procedure has no draft; args: <c>procedure</c>.</summary>
    public const string DraftNotFound = "draftNotFound";

    /// <summary>The draft was saved since it was read (412); args: <c>procedure</c>, <c>savedBy</c>, <c>savedAt</c>.</summary>
    public const string StaleDraft = "staleDraft";

    /// <summary>A procedure file the Host cannot read or store; each problem with its path and engine code in <c>problems</c>.</summary>
    public const string DefinitionUnreadable = "definitionUnreadable";

    /// <summary>A draft with validation problems cannot be published (409); args: <c>procedure</c>; each problem in <c>problems</c>.</summary>
    public const string DefinitionInvalid = "definitionInvalid";

    /// <summary>A procedure file larger than the Host takes (413); args: <c>maxBytes</c>.</summary>
    public const string DefinitionTooLarge = "definitionTooLarge";

    /// <summary>A migration request the Host refuses (versions, node map); the fields in <c>errors</c>.</summary>
    public const string MigrationInvalid = "migrationInvalid";

    /// <summary>A migration of the procedure is running already (409); args: <c>procedure</c>, <c>run</c>.</summary>
    public const string MigrationRunning = "migrationRunning";

    /// <summary>The procedure has no such migration run; args: <c>procedure</c>, <c>run</c>.</summary>
    public const string MigrationNotFound = "migrationNotFound";

    /// <summary>A published version cannot change (409); args: <c>procedure</c>, <c>version</c>.</summary>
    public const string PublishedVersionImmutable = "publishedVersionImmutable";

    /// <summary>A dossier changed since it was read (409): another request moved it first.</summary>
    public const string DossierChanged = "dossierChanged";

    /// <summary>A due time beyond what the working calendar can count (422).</summary>
    public const string CalendarRange = "calendarRange";

    /// <summary>The generic code of a status, for problems whose endpoint named no code of its own.</summary>
    public static string? ForStatus(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status412PreconditionFailed => PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status422UnprocessableEntity => Unprocessable,
        StatusCodes.Status423Locked => Locked,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status500InternalServerError => Unexpected,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        _ => null,
    };

    /// <summary>The extensions of a problem with <paramref name="code"/> and its arguments, to pass to <c>TypedResults.Problem</c>.</summary>
    public static Dictionary<string, object?> With(string code, IReadOnlyDictionary<string, object?>? args = null, IReadOnlyDictionary<string, object?>? others = null)
    {
        var extensions = others is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(others);
        extensions[Extension] = code;
        if (args is { Count: > 0 })
        {
            extensions[ArgsExtension] = args;
        }

        return extensions;
    }

    /// <summary>Sets <paramref name="code"/> (and its arguments) on a problem being written.</summary>
    public static ProblemDetails Coded(this ProblemDetails problem, string code, IReadOnlyDictionary<string, object?>? args = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        foreach (var (name, value) in With(code, args))
        {
            problem.Extensions[name] = value;
        }

        return problem;
    }

    /// <summary>
    /// Every problem the Host writes (endpoints' results, the exception handler, the status code pages of the
    /// authorization middleware) gets the generic code of its status when it has none of its own.
    /// </summary>
    public static void AddCodeByStatus(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (!problem.Extensions.ContainsKey(Extension) && ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode) is { } code)
        {
            problem.Extensions[Extension] = code;
        }
    }
}
