using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.TestSupport;

/// <summary>
/// A small but real OpenID Connect provider for tests (shared by the Host and Designer test projects): Kestrel on a
/// free port serving the discovery document, a JWKS with one RSA key, <c>/authorize</c> (a page asking for a user name,
/// then a redirect back with a code; a browser that answered it keeps a provider session cookie and is not asked again
/// until it signs out), <c>/token</c> (client secret, redirect address and PKCE verifier checked → an RS256 id_token
/// and access token) and <c>/end-session</c> (RP-initiated logout: ends the provider session, back to the client). <see cref="IssueIdToken"/> mints tokens directly for tests of the Host's checks.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "workflows-designer";
    public const string ClientSecret = "test-client-secret";

    private readonly RSA key = RSA.Create(2048);
    private readonly string keyId = Guid.NewGuid().ToString("N")[..12];
    private const string SessionCookie = "test_idp_session";

    private readonly ConcurrentDictionary<string, PendingCode> codes = new();

    // The provider's own sessions: cookie value → user name.
    private readonly ConcurrentDictionary<string, string> sessions = new();
    private WebApplication? app;

    /// <summary>The issuer (no trailing slash), also the authority whose discovery document the apps read.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>User names whose authorization codes were exchanged at <c>/token</c>, in order.</summary>
    public ConcurrentQueue<string> SignedIn { get; } = new();

    /// <summary>Sessions ended at <c>/end-session</c>: the user named by the id_token_hint the client sent ("" if none).</summary>
    public ConcurrentQueue<string> SignedOut { get; } = new();

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var provider = new TestIdentityProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        provider.app = builder.Build();
        provider.Map(provider.app);
        await provider.app.StartAsync();
        var address = provider.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.Issuer = address.TrimEnd('/');
        return provider;
    }

    /// <summary>A signed id_token as the provider issues it; each argument spoils one property for the refusal tests.</summary>
    public string IssueIdToken(
        string userName, string? audience = null, string? issuer = null, TimeSpan? expiresIn = null, string? nonce = null,
        RSA? signingKey = null, string userNameClaim = "preferred_username")
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(5));
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? Issuer,
            ["sub"] = "sub-" + userName,
            ["aud"] = audience ?? ClientId,
            // A token that expired has been issued before it expired.
            ["iat"] = Math.Min(now.ToUnixTimeSeconds(), expires.AddMinutes(-5).ToUnixTimeSeconds()),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["name"] = userName,
        };
        if (userNameClaim.Length > 0)
        {
            claims[userNameClaim] = userName;
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        return Sign(claims, signingKey ?? key);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        key.Dispose();
    }

    private void Map(WebApplication web)
    {
        web.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
            ["scopes_supported"] = new[] { "openid", "profile" },
            ["end_session_endpoint"] = Issuer + "/end-session",
        }));
        web.MapGet("/jwks", () =>
        {
            var parameters = key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = keyId, n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) } } });
        });
        web.MapGet("/authorize", (HttpRequest request) =>
        {
            var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            // A browser with a provider session is not asked again (as real providers do), unless the client asks.
            if (Refusal(query) is null && query.GetValueOrDefault("prompt") != "login"
                && request.Cookies.TryGetValue(SessionCookie, out var session) && sessions.TryGetValue(session, out var known))
            {
                return CodeRedirect(query, known);
            }

            return Authorize(query);
        });
        web.MapPost("/authorize", async (HttpContext context) =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            if (Refusal(form) is { } refused)
            {
                return refused;
            }

            var userName = form.GetValueOrDefault("username", "").Trim();
            if (userName.Length == 0)
            {
                return Authorize(form);
            }

            var session = Base64Url(RandomNumberGenerator.GetBytes(24));
            sessions[session] = userName;
            context.Response.Cookies.Append(SessionCookie, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return CodeRedirect(form, userName);
        });
        web.MapGet("/end-session", (HttpContext context) =>
        {
            var query = context.Request.Query;
            SignedOut.Enqueue(UserNameOf(query["id_token_hint"].ToString()));
            if (context.Request.Cookies.TryGetValue(SessionCookie, out var session))
            {
                sessions.TryRemove(session, out _);
            }

            context.Response.Cookies.Delete(SessionCookie, new CookieOptions { Path = "/" });
            var back = query["post_logout_redirect_uri"].ToString();
            if (!Uri.TryCreate(back, UriKind.Absolute, out _))
            {
                return Results.Content("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Đã đăng xuất</title></head><body>Đã đăng xuất.</body></html>", "text/html; charset=utf-8");
            }

            var state = query.TryGetValue("state", out var s) ? (back.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "state=" + Uri.EscapeDataString(s.ToString()) : "";
            return Results.Redirect(back + state);
        });
        web.MapPost("/token", async (HttpRequest request) =>
        {
            var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            var (clientId, secret) = ClientCredentials(request, form);
            if (clientId != ClientId || secret != ClientSecret)
            {
                return TokenError("invalid_client", StatusCodes.Status401Unauthorized);
            }

            if (form.GetValueOrDefault("grant_type") != "authorization_code"
                || !codes.TryRemove(form.GetValueOrDefault("code", ""), out var pending) || pending.ExpiresAt < DateTimeOffset.UtcNow)
            {
                return TokenError("invalid_grant");
            }

            // PKCE: the verifier must hash to the challenge sent to /authorize, and the redirect address must be the same.
            var verifier = form.GetValueOrDefault("code_verifier", "");
            if (pending.RedirectUri != form.GetValueOrDefault("redirect_uri") || verifier.Length < 43
                || Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.CodeChallenge)
            {
                return TokenError("invalid_grant");
            }

            SignedIn.Enqueue(pending.UserName);
            var idToken = IssueIdToken(pending.UserName, nonce: pending.Nonce);
            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = IssueIdToken(pending.UserName),
                ["id_token"] = idToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
            });
        });
    }

    private IResult CodeRedirect(Dictionary<string, string> parameters, string userName)
    {
        var code = Base64Url(RandomNumberGenerator.GetBytes(24));
        var redirect = parameters["redirect_uri"];
        codes[code] = new PendingCode(redirect, parameters["code_challenge"], parameters.GetValueOrDefault("nonce"), userName, DateTimeOffset.UtcNow.AddMinutes(2));
        var state = parameters.TryGetValue("state", out var s) ? "&state=" + Uri.EscapeDataString(s) : "";
        return Results.Redirect(redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + code + state);
    }

    // The user name in an id_token's payload (this provider's own tokens; the signature is not the point here).
    private static string UserNameOf(string idToken)
    {
        var parts = idToken.Split('.');
        if (parts.Length != 3)
        {
            return "";
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
        return json.RootElement.TryGetProperty("preferred_username", out var name) ? name.GetString() ?? "" : "";
    }

    private static IResult Authorize(Dictionary<string, string> query)
    {
        if (Refusal(query) is { } refused)
        {
            return refused;
        }

        var hidden = string.Concat(new[] { "client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method" }
            .Where(query.ContainsKey)
            .Select(name => $"<input type=\"hidden\" name=\"{name}\" value=\"{HtmlEncoder.Default.Encode(query[name])}\">"));
        var html = $"""
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Nhà cung cấp định danh thử nghiệm</title></head>
            <body><h1>Nhà cung cấp định danh thử nghiệm</h1>
            <form method="post" action="/authorize">{hidden}
            <label for="username">Tên đăng nhập</label> <input id="username" name="username" autocomplete="username">
            <button type="submit" id="continue">Tiếp tục</button>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>What a real provider refuses before asking anyone anything: an unknown client, no code flow, no PKCE.</summary>
    private static IResult? Refusal(Dictionary<string, string> parameters) =>
        parameters.GetValueOrDefault("client_id") != ClientId ? Results.BadRequest("unknown client_id")
        : parameters.GetValueOrDefault("response_type") != "code" ? Results.BadRequest("only response_type=code")
        : !parameters.TryGetValue("redirect_uri", out var redirect) || !Uri.TryCreate(redirect, UriKind.Absolute, out _) ? Results.BadRequest("redirect_uri required")
        : parameters.GetValueOrDefault("code_challenge_method") != "S256" || string.IsNullOrEmpty(parameters.GetValueOrDefault("code_challenge")) ? Results.BadRequest("PKCE (S256) required")
        : null;

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, Dictionary<string, string> form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':', 2);
            return (WebUtility.UrlDecode(pair[0]), pair.Length > 1 ? WebUtility.UrlDecode(pair[1]) : null);
        }

        return (form.GetValueOrDefault("client_id"), form.GetValueOrDefault("client_secret"));
    }

    private static IResult TokenError(string error, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error }, statusCode: status);

    private string Sign(Dictionary<string, object> claims, RSA signingKey)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = keyId }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = signingKey.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record PendingCode(string RedirectUri, string CodeChallenge, string? Nonce, string UserName, DateTimeOffset ExpiresAt);
}
