using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>The provider's id_token, obtained by the Designer at the end of the authorization-code flow.</summary>
internal sealed record ProviderSignInRequest(string? IdToken);

/// <summary>
/// POST /api/auth/sign-in/oidc: a person signed in at the province's identity provider gets a Host session. The token
/// only says who the person is; the principal must already exist and be active here, and its roles and departments
/// are the Host's (nothing is created or changed from the provider's claims).
/// </summary>
internal static partial class AuthApi
{
    /// <summary>An id_token is a few kilobytes; anything far larger is not one.</summary>
    private const int MaxTokenLength = 16 * 1024;

    public static RouteGroupBuilder MapProviderSignIn(this RouteGroupBuilder api)
    {
        api.MapPost("/sign-in/oidc", SignInWithProvider).AllowAnonymous()
            .WithSummary("Exchange an id_token of the configured OpenID Connect provider (Access:OpenIdConnect) for a session token of an existing, active user");
        return api;
    }

    private static async Task<Results<Ok<SignInDto>, ValidationProblem, ProblemHttpResult>> SignInWithProvider(
        ProviderSignInRequest request, ProviderTokens tokens, WorkflowsDbContext db, TimeProvider time, IOptions<AccessOptions> options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!tokens.Enabled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status501NotImplemented,
                title: "Identity provider not configured",
                detail: $"This Host does not accept sign-in with an identity provider: set {ProviderSignInOptions.Section}:Authority and :Audience.");
        }

        if (string.IsNullOrWhiteSpace(request.IdToken) || request.IdToken.Length > MaxTokenLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["idToken"] = [$"The provider's id_token (a JWT of at most {MaxTokenLength} characters) is required."],
            });
        }

        var logger = loggers.CreateLogger(typeof(AuthApi));
        switch (await tokens.CheckAsync(request.IdToken.Trim(), cancellationToken))
        {
            case ProviderTokenCheck.ProviderUnreachable unreachable:
                logger.ProviderUnreachable(unreachable.Reason);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status502BadGateway,
                    title: "Identity provider unreachable",
                    detail: "The identity provider's discovery document or signing keys could not be read; try again later.");
            case ProviderTokenCheck.Invalid invalid:
                logger.ProviderTokenRefused(invalid.Reason);
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The identity provider's token is not valid: " + invalid.Reason);
            case ProviderTokenCheck.NoUserName missing:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "No user name in the token",
                    detail: $"The identity provider's token has no '{missing.Claim}' claim naming a user of Workflows.",
                    extensions: new Dictionary<string, object?> { ["reason"] = "noUserName" });
            case ProviderTokenCheck.Valid valid:
                return await StartProviderSessionAsync(valid.UserName, db, time, options.Value, logger, cancellationToken);
            default:
                throw new InvalidOperationException("Unknown result of a token check.");
        }
    }

    private static async Task<Results<Ok<SignInDto>, ValidationProblem, ProblemHttpResult>> StartProviderSessionAsync(
        string userName, WorkflowsDbContext db, TimeProvider time, AccessOptions settings, ILogger logger, CancellationToken cancellationToken)
    {
        // The person is who the provider says; whether they may use Workflows is the Host's to say. Intake systems never
        // sign in as people.
        var row = await db.Principals.SingleOrDefaultAsync(p => p.Name == userName && p.Kind == PrincipalKinds.User, cancellationToken);
        if (row is null || !row.Active)
        {
            var reason = row is null ? "unknown" : "deactivated";
            logger.ProviderUserRefused(userName, reason);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not a user of Workflows",
                detail: row is null
                    ? $"'{userName}' signed in at the identity provider but is not a user of Workflows; an administrator must add the user first."
                    : $"'{userName}' signed in at the identity provider but the user is deactivated in Workflows.",
                extensions: new Dictionary<string, object?> { ["reason"] = reason, ["userName"] = userName });
        }

        return TypedResults.Ok(await StartSessionAsync(db, row, time.GetUtcNow(), settings, cancellationToken));
    }

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Sign-in with the identity provider refused a token: {Reason}")]
    private static partial void ProviderTokenRefused(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Sign-in with the identity provider refused {UserName}: {Reason}")]
    private static partial void ProviderUserRefused(this ILogger logger, string userName, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "The identity provider could not be reached: {Reason}")]
    private static partial void ProviderUnreachable(this ILogger logger, string reason);
}
