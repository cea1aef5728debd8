using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Access;

/// <summary>
/// Section "Authentication:OpenIdConnect": the province's identity provider. Empty <see cref="Authority"/>: no provider,
/// the sign-in page offers the password form only.
/// </summary>
public sealed class ProviderSignInOptions : IValidatableObject
{
    public const string Section = "Authentication:OpenIdConnect";

    /// <summary>The provider's issuer address (its discovery document is below it).</summary>
    public string? Authority { get; set; }

    /// <summary>The Designer's client id at the provider (the Host's <c>Access:OpenIdConnect:Audience</c> is the same).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (give it through an environment variable); empty for a public client (PKCE only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for, separated by spaces (default <c>openid profile</c>; <c>openid</c> is always asked).</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The provider's name on the button, e.g. "Cổng dịch vụ công tỉnh"; empty: a generic name.</summary>
    [MaxLength(100)]
    public string? DisplayName { get; set; }

    /// <summary>Discovery document over HTTPS only (default); false only for a provider on a private test network.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && (RequireHttpsMetadata || authority.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(Authority)} must be the provider's https address (http only with {nameof(RequireHttpsMetadata)} false).", [nameof(Authority)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{Section}:{nameof(ClientId)} is required with an Authority.", [nameof(ClientId)]);
        }
    }
}

/// <summary>
/// Sign-in with the province's identity provider: the authorization-code flow with PKCE (the code comes back in the
/// query, so the correlation cookies can stay SameSite=Lax); at the callback the provider's id_token is exchanged for a
/// Host session and the Designer's own cookie is written exactly as after a password sign-in. The provider's access
/// token is not saved (SaveTokens off); the id_token is kept only inside the encrypted, HTTP-only cookie's ticket
/// (<see cref="IdTokenHintItem"/>), never readable by the browser's JavaScript, so that sign-out can end the provider's
/// session too: the provider's end_session_endpoint (from discovery) with the id_token as hint, back to the sign-in page.
/// </summary>
internal static class ProviderSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string ChallengePath = "/tai-khoan/dang-nhap-nha-cung-cap";

    /// <summary>The query parameters of the sign-in page that say why a provider sign-in did not complete.</summary>
    public const string ErrorParameter = "loiNhaCungCap";
    public const string UserNameParameter = "tenDangNhap";

    /// <summary>The cookie ticket's item holding the provider's id_token (the hint its end-session endpoint asks for).</summary>
    public const string IdTokenHintItem = "workflows:id_token_hint";

    public static AuthenticationBuilder AddProviderSignIn(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        authentication.Services.AddOptions<ProviderSignInOptions>().Bind(configuration.GetSection(ProviderSignInOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        var settings = configuration.GetSection(ProviderSignInOptions.Section).Get<ProviderSignInOptions>() ?? new ProviderSignInOptions();
        if (!settings.Enabled)
        {
            return authentication;
        }

        return authentication.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ResponseType = "code";
            o.ResponseMode = "query";
            o.UsePkce = true;
            o.Scope.Clear();
            foreach (var scope in ("openid " + settings.Scopes).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
            {
                o.Scope.Add(scope);
            }

            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.MapInboundClaims = false;
            o.SignInScheme = AccessExtensions.CookieScheme;
            // A top-level GET back from the provider carries Lax cookies, also over plain http on a test machine.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTokenValidated = ExchangeForHostSessionAsync;
            o.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                var back = context.Properties.RedirectUri ?? AccessExtensions.SignInPath;
                if (string.IsNullOrEmpty(context.ProtocolMessage.IssuerAddress))
                {
                    // A provider without an end_session_endpoint: its session cannot be ended from here.
                    context.Response.Redirect(back);
                    context.HandleResponse();
                    return Task.CompletedTask;
                }

                context.ProtocolMessage.IdTokenHint = context.Properties.GetString(IdTokenHintItem);
                return Task.CompletedTask;
            };
            o.Events.OnRemoteFailure = context =>
            {
                // Cancelled at the provider, a stale or replayed callback: back to the sign-in page with a message.
                context.HandleResponse();
                context.Response.Redirect(ErrorUrl("failed", null));
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Whether the Designer is configured for an identity provider.</summary>
    public static bool IsEnabled(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ProviderSignInOptions>>().Value.Enabled;

    public static WebApplication MapProviderSignIn(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ProviderSignInOptions>>().Value.Enabled)
        {
            return app;
        }

        app.MapGet(ChallengePath, (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = AccessExtensions.SafeReturnUrl(returnUrl) }, [Scheme])).AllowAnonymous();
        return app;
    }

    /// <summary>The provider says who the person is; the Host says whether they may sign in, and with which roles.</summary>
    private static async Task ExchangeForHostSessionAsync(TokenValidatedContext context)
    {
        var idToken = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
        var host = context.HttpContext.RequestServices.GetRequiredService<HostClient>();
        try
        {
            var session = await host.SignInWithProviderAsync(idToken, context.HttpContext.RequestAborted);
            context.Principal = DesignerClaims.Create(session);
            context.Properties!.IsPersistent = true;
            context.Properties.ExpiresUtc = session.ExpiresAt;
            context.Properties.AllowRefresh = false;
            // Kept in the encrypted cookie for sign-out (the provider's end-session endpoint wants it as a hint).
            context.Properties.Items[IdTokenHintItem] = idToken;
        }
        catch (HostProblemException e)
        {
            context.HandleResponse();
            context.Response.Redirect(ErrorUrl(Reason(e.Problem), e.Problem.Extensions.TryGetValue("userName", out var name) ? name.ToString() : null));
        }
    }

    private static string Reason(HostProblem problem) => problem.Status switch
    {
        StatusCodes.Status403Forbidden when problem.Extensions.TryGetValue("reason", out var reason) => reason.ToString() switch
        {
            "deactivated" => "deactivated",
            "noUserName" => "noUserName",
            _ => "unknown",
        },
        StatusCodes.Status401Unauthorized => "invalid",
        // An older Host, or one without Access:OpenIdConnect: the endpoint is missing or says it is not configured.
        StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status501NotImplemented => "notConfigured",
        _ => "unavailable",
    };

    private static string ErrorUrl(string reason, string? userName) =>
        $"{AccessExtensions.SignInPath}?{ErrorParameter}={reason}"
        + (string.IsNullOrEmpty(userName) ? "" : $"&{UserNameParameter}={Uri.EscapeDataString(userName)}");
}
