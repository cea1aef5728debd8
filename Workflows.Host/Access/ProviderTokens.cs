using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Workflows.Host.Access;

/// <summary>What checking a provider's token found: the user name it carries, or why it is refused.</summary>
internal abstract record ProviderTokenCheck
{
    public sealed record Valid(string UserName) : ProviderTokenCheck;

    /// <summary>Not a token of the configured provider for this client, or no longer valid (401).</summary>
    public sealed record Invalid(string Reason) : ProviderTokenCheck;

    /// <summary>A valid token without the configured user-name claim (403: the provider does not say who it is).</summary>
    public sealed record NoUserName(string Claim) : ProviderTokenCheck;

    /// <summary>The provider's discovery document or keys could not be fetched (502).</summary>
    public sealed record ProviderUnreachable(string Reason) : ProviderTokenCheck;
}

/// <summary>
/// Checks id_tokens of the configured provider: signature with the keys its discovery document publishes (fetched and
/// cached by <see cref="ConfigurationManager{T}"/>, refreshed when a token names an unknown key), issuer as the
/// document states it, audience, lifetime. One per Host (the cache of the provider's keys is shared).
/// </summary>
internal sealed class ProviderTokens(IOptions<ProviderSignInOptions> options)
{
    private readonly Lazy<ConfigurationManager<OpenIdConnectConfiguration>?> configuration = new(() => Create(options.Value));
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public bool Enabled => options.Value.Enabled;

    public async Task<ProviderTokenCheck> CheckAsync(string token, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var manager = configuration.Value ?? throw new InvalidOperationException("Sign-in with an identity provider is not configured.");
        OpenIdConnectConfiguration document;
        try
        {
            document = await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // The manager wraps every fetch or parse failure of the discovery document or the JWKS in this exception.
            return new ProviderTokenCheck.ProviderUnreachable(e.Message);
        }

        var parameters = Parameters(settings, document);
        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys since they were cached: fetch them again once, then decide.
            manager.RequestRefresh();
            try
            {
                document = await manager.GetConfigurationAsync(cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                return new ProviderTokenCheck.ProviderUnreachable(e.Message);
            }

            result = await handler.ValidateTokenAsync(token, Parameters(settings, document));
        }

        if (!result.IsValid)
        {
            return new ProviderTokenCheck.Invalid(Describe(result.Exception));
        }

        return result.Claims.TryGetValue(settings.UserNameClaim, out var value) && value?.ToString() is { Length: > 0 } userName
            ? new ProviderTokenCheck.Valid(userName.Trim())
            : new ProviderTokenCheck.NoUserName(settings.UserNameClaim);
    }

    private static TokenValidationParameters Parameters(ProviderSignInOptions settings, OpenIdConnectConfiguration document) => new()
    {
        ValidIssuer = document.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKeys = document.SigningKeys,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
    };

    /// <summary>Why a token is refused, in words an operator can act on (no token content is echoed).</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "the token has expired.",
        SecurityTokenNotYetValidException => "the token is not valid yet.",
        SecurityTokenInvalidIssuerException => "the token was issued by another provider than the configured authority.",
        SecurityTokenInvalidAudienceException => "the token was issued for another client than the configured audience.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not match the provider's keys.",
        SecurityTokenNoExpirationException => "the token has no expiry.",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT.",
        _ => "the token could not be validated.",
    };

    private static ConfigurationManager<OpenIdConnectConfiguration>? Create(ProviderSignInOptions settings)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        var metadata = settings.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = settings.RequireHttpsMetadata });
    }
}
