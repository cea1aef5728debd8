using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the principals table: intake systems and users alike.
/// Roles and departments become claims. Active principals are cached for at most 15 s
/// (<see cref="PrincipalCache"/>): deactivating a key through this Host takes effect at once, a deactivation made
/// elsewhere (another Host process, SQL) within 15 s.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WorkflowsDbContext db,
    PrincipalCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeys.Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKeys.Hash(values.ToString().Trim());
        if (!cache.TryGet(hash, out var principal))
        {
            var row = await db.Principals.AsNoTracking().SingleOrDefaultAsync(p => p.KeyHash == hash && p.Active, Context.RequestAborted);
            if (row is null)
            {
                return AuthenticateResult.Fail("The API key is not valid.");
            }

            principal = new PrincipalCache.CachedPrincipal(row.Id, row.Name, row.Kind, [.. PrincipalClaims.Split(row.Roles)], [.. PrincipalClaims.Split(row.Departments)]);
            cache.Set(hash, principal);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(PrincipalClaims.Create(principal, SchemeName), SchemeName));
    }
}
