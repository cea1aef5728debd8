using System.Security.Claims;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Access;

/// <summary>
/// The signed-in user as the Designer's cookie keeps it: name, display name, roles and departments from the Host, and
/// the Host's session token. The cookie is encrypted and HTTP-only, so the token stays on the server: the Designer
/// reads it to call the Host, the browser's JavaScript never sees it.
/// </summary>
internal static class DesignerClaims
{
    public const string HostToken = "workflows:host_token";
    public const string DisplayName = "workflows:display_name";
    public const string Department = "workflows:department";

    public static ClaimsPrincipal Create(HostSession session)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.Name, session.Principal.Name),
            new(DisplayName, session.Principal.DisplayName ?? session.Principal.Name),
            new(HostToken, session.Token),
        ];
        claims.AddRange(session.Principal.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(session.Principal.Departments.Select(d => new Claim(Department, d)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AccessExtensions.CookieScheme));
    }

    public static string? Token(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirst(HostToken)?.Value : null;

    public static string ShownName(this ClaimsPrincipal user) =>
        user.FindFirst(DisplayName)?.Value ?? user.Identity?.Name ?? "";
}

/// <summary>What each role may use in the Designer (the Host checks the same roles on every call).</summary>
public static class DesignerPolicies
{
    /// <summary>Designers, administrators and officers: the catalogue (officers read it only).</summary>
    public const string Staff = "staff";

    /// <summary>Designers and administrators: the editor, versions, publishing.</summary>
    public const string Designer = "designer";

    /// <summary>Administrators: calendars, departments, users and API keys, migration, cutting steps.</summary>
    public const string Administrator = "administrator";
}
