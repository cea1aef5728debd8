using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

internal sealed record SignInRequest(string? UserName, string? Password);

internal sealed record SignedInPrincipalDto(string Name, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

/// <summary>The session token (shown this once) and who it signs in.</summary>
internal sealed record SignInDto(string Token, DateTimeOffset ExpiresAt, SignedInPrincipalDto Principal);

internal sealed record DevelopmentUserDto(string Name, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

/// <summary>/api/auth: users sign in with a user name and password and get a session token; API keys stay for machines.</summary>
internal static partial class AuthApi
{
    private const string WrongCredentials = "The user name or password is wrong.";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        var api = app.MapGroup("/api/auth").WithTags("Access");
        api.MapPost("/sign-in", SignIn).AllowAnonymous()
            .WithSummary("Sign in with a user name and password; the session token (Authorization: Bearer) is returned once");
        api.MapProviderSignIn();
        api.MapPost("/sign-out", SignOut).RequireAuthorization()
            .WithSummary("End the caller's session (its bearer token stops working)");
        if (environment.IsDevelopment())
        {
            // Only in Development: who the development users are, for the Designer's one-click sign-in.
            api.MapGet("/development-users", DevelopmentUsers).AllowAnonymous()
                .WithSummary("Development only: the development users (each signs in with the password dev-password)");
        }

        return app;
    }

    private static async Task<Results<Ok<SignInDto>, ValidationProblem, ProblemHttpResult>> SignIn(
        SignInRequest request, WorkflowsDbContext db, TimeProvider time, IOptions<AccessOptions> options, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.UserName) || request.UserName.Length > ColumnSizes.PrincipalName)
        {
            errors["userName"] = [$"A user name of 1 to {ColumnSizes.PrincipalName} characters is required."];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > Passwords.MaxLength)
        {
            errors["password"] = [$"A password of 1 to {Passwords.MaxLength} characters is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        var userName = request.UserName!.Trim();
        // Intake systems and deactivated principals never sign in with a password: to the caller they do not exist.
        var row = await db.Principals.SingleOrDefaultAsync(p => p.Name == userName && p.Kind == PrincipalKinds.User && p.Active, cancellationToken);
        if (row?.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return Locked(lockedUntil);
        }

        if (!Passwords.Verify(row?.PasswordHash, request.Password!, out var rehash) || row is null)
        {
            if (row is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: WrongCredentials);
            }

            row.FailedSignIns++;
            if (row.FailedSignIns >= settings.MaxFailedSignIns)
            {
                row.FailedSignIns = 0;
                row.LockedUntil = StoredValues.Instant(now.AddMinutes(settings.LockoutMinutes));
                await db.SaveChangesAsync(cancellationToken);
                loggers.CreateLogger(typeof(AuthApi)).AccountLocked(row.Name, settings.MaxFailedSignIns, row.LockedUntil.Value);
                return Locked(row.LockedUntil.Value);
            }

            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: WrongCredentials);
        }

        row.FailedSignIns = 0;
        row.LockedUntil = null;
        row.PasswordHash = rehash ?? row.PasswordHash;
        return TypedResults.Ok(await StartSessionAsync(db, row, now, settings, cancellationToken));
    }

    /// <summary>A new session for <paramref name="row"/>, saved with any change made to the row; the token is in the answer only.</summary>
    private static async Task<SignInDto> StartSessionAsync(
        WorkflowsDbContext db, PrincipalRow row, DateTimeOffset now, AccessOptions settings, CancellationToken cancellationToken)
    {
        var token = Sessions.NewToken();
        var expiresAt = StoredValues.Instant(now.AddHours(settings.SessionHours));
        // Expired sessions of this user are cleaned up here, so the table holds only live sessions and a few stale ones.
        await db.Sessions.Where(s => s.PrincipalId == row.Id && s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        db.Sessions.Add(new SessionRow
        {
            Id = Guid.CreateVersion7(now),
            PrincipalId = row.Id,
            TokenHash = Sessions.Hash(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new SignInDto(token, expiresAt, new SignedInPrincipalDto(
            row.Name, row.DisplayName, [.. PrincipalClaims.Split(row.Roles)], [.. PrincipalClaims.Split(row.Departments)]));
    }

    private static async Task<NoContent> SignOut(HttpContext context, WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        // A caller with an API key has no session to end; its key is revoked by deactivating the principal.
        if (Sessions.BearerToken(context.Request) is { } token)
        {
            var hash = Sessions.Hash(token);
            await db.Sessions.Where(s => s.TokenHash == hash).ExecuteDeleteAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static Ok<List<DevelopmentUserDto>> DevelopmentUsers() => TypedResults.Ok(PrincipalSeeder.DevelopmentPrincipals
        .Where(p => p.Kind == PrincipalKinds.User)
        .Select(p => new DevelopmentUserDto(p.Name, p.DisplayName, [.. PrincipalClaims.Split(p.Roles)], [.. PrincipalClaims.Split(p.Departments)]))
        .ToList());

    private static ProblemHttpResult Locked(DateTimeOffset until) => TypedResults.Problem(
        statusCode: StatusCodes.Status423Locked,
        title: "Account locked",
        detail: $"Too many failed sign-ins: the account is locked until {until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}. Try again then, or ask an administrator to unlock it.",
        extensions: new Dictionary<string, object?> { ["lockedUntil"] = until });

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Account {UserName} locked until {LockedUntil} after {Failures} failed sign-ins")]
    private static partial void AccountLocked(this ILogger logger, string userName, int failures, DateTimeOffset lockedUntil);
}
