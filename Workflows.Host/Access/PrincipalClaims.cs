using System.Security.Claims;

namespace Workflows.Host.Access;

/// <summary>The claims of a principal, the same whether it came with an API key or a session token.</summary>
internal static class PrincipalClaims
{
    public static ClaimsPrincipal Create(PrincipalCache.CachedPrincipal principal, string scheme)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, principal.Id.ToString()),
            new(ClaimTypes.Name, principal.Name),
            new(WorkflowsClaims.Kind, principal.Kind),
        ];
        claims.AddRange(principal.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(principal.Departments.Select(d => new Claim(WorkflowsClaims.Department, d)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    internal static IEnumerable<string> Split(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
