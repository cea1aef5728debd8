using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the sessions table and gives the same claims as an
/// API key (<see cref="PrincipalClaims"/>), so every policy works for both. The table is read on every request, not
/// cached: a sign-out, a deactivation or a new password ends a session at once, in every Host process.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WorkflowsDbContext db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Sessions.BearerToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = Sessions.Hash(token);
        var now = time.GetUtcNow();
        var row = await (
                from s in db.Sessions.AsNoTracking()
                join p in db.Principals.AsNoTracking() on s.PrincipalId equals p.Id
                where s.TokenHash == hash && s.ExpiresAt > now && p.Active
                select p)
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (row is null)
        {
            return AuthenticateResult.Fail("The session has ended or the token is not valid.");
        }

        var principal = new PrincipalCache.CachedPrincipal(row.Id, row.Name, row.Kind, [.. PrincipalClaims.Split(row.Roles)], [.. PrincipalClaims.Split(row.Departments)]);
        return AuthenticateResult.Success(new AuthenticationTicket(PrincipalClaims.Create(principal, SchemeName), SchemeName));
    }
}
