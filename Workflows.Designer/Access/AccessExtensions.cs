using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Access;

/// <summary>
/// Sign-in for the Designer: an encrypted, HTTP-only, SameSite=Lax cookie holding the Host's session token; keys of
/// ASP.NET Core data protection kept in a folder (<c>DataProtection:KeysPath</c>) so a restart keeps people signed in;
/// one policy per group of pages; every Host call made as the signed-in user.
/// </summary>
internal static class AccessExtensions
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SignInPath = "/dang-nhap";
    public const string SignOutPath = "/tai-khoan/dang-xuat";
    public const string SessionEndedPath = "/tai-khoan/het-phien";
    public const string NotAllowedPath = "/khong-duoc-phep";

    public static IServiceCollection AddDesignerAccess(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var keys = configuration["DataProtection:KeysPath"] is { Length: > 0 } configured ? configured : Path.Combine("data", "designer-keys");
        services.AddDataProtection()
            .SetApplicationName("Workflows.Designer")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(keys, environment.ContentRootPath)));

        services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = ".Workflows.Designer.Session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = SignInPath;
            o.AccessDeniedPath = NotAllowedPath;
            o.ReturnUrlParameter = "returnUrl";
            // The cookie ends with the Host token it carries (AuthenticationProperties.ExpiresUtc at sign-in).
            o.SlidingExpiration = false;
        }).AddProviderSignIn(configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(DesignerPolicies.Staff, p => p.RequireRole(HostRoles.Designer, HostRoles.Administrator, HostRoles.Officer))
            .AddPolicy(DesignerPolicies.Designer, p => p.RequireRole(HostRoles.Designer, HostRoles.Administrator))
            .AddPolicy(DesignerPolicies.Administrator, p => p.RequireRole(HostRoles.Administrator));
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<IHostCredentials, SignedInUserCredentials>();
        return services;
    }

    /// <summary>Signs the user in to the Designer with a Host session (the cookie lives as long as the Host token).</summary>
    public static Task SignInWithAsync(this HttpContext context, HostSession session) =>
        context.SignInAsync(CookieScheme, DesignerClaims.Create(session), new AuthenticationProperties
        {
            IsPersistent = true,
            ExpiresUtc = session.ExpiresAt,
            AllowRefresh = false,
        });

    /// <summary>A local address to go back to after signing in; anything else (another site, "//x") goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith(SignInPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    public static WebApplication MapDesignerAccess(this WebApplication app)
    {
        // Sign-out is a POST with the antiforgery token (a link elsewhere cannot sign anyone out): the Host token is
        // revoked first, then the cookie cleared.
        app.MapPost(SignOutPath, async (HttpContext context, HostClient host, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            try
            {
                await host.SignOutAsync(context.RequestAborted);
            }
            catch (HostProblemException)
            {
                // The Host session is gone already or the Host is down: the cookie is cleared all the same.
            }

            // Signed in at the identity provider: end its session too (its end-session endpoint, then back to the
            // sign-in page), or the next "sign in with the provider" would sign the same person in without asking.
            var idToken = (await context.AuthenticateAsync(CookieScheme)).Properties?.GetString(ProviderSignIn.IdTokenHintItem);
            await context.SignOutAsync(CookieScheme);
            const string signedOut = SignInPath + "?daDangXuat=1";
            if (idToken is not null && ProviderSignIn.IsEnabled(context.RequestServices))
            {
                var properties = new AuthenticationProperties { RedirectUri = signedOut };
                properties.Items[ProviderSignIn.IdTokenHintItem] = idToken;
                return Results.SignOut(properties, [ProviderSignIn.Scheme]);
            }

            return Results.LocalRedirect(signedOut);
        }).RequireAuthorization();

        // Where a page goes when the Host refuses the user's token: nothing left to revoke, only the cookie to clear.
        app.MapGet(SessionEndedPath, async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieScheme);
            return Results.LocalRedirect(SignInPath + "?hetPhien=1");
        }).AllowAnonymous();
        app.MapProviderSignIn();
        return app;
    }
}
