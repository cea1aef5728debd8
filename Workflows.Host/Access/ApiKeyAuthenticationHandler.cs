using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the principals table: intake systems and users alike.
/// Roles and departments become claims.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WorkflowsDbContext db)
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
        var principal = await db.Principals.AsNoTracking().SingleOrDefaultAsync(p => p.KeyHash == hash && p.Active, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, principal.Id.ToString()),
            new(ClaimTypes.Name, principal.Name),
            new(WorkflowsClaims.Kind, principal.Kind),
        ];
        claims.AddRange(Split(principal.Roles).Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(Split(principal.Departments).Select(d => new Claim(WorkflowsClaims.Department, d)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    internal static IEnumerable<string> Split(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
