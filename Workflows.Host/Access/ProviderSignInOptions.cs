using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Access;

/// <summary>
/// Section "Access:OpenIdConnect": the province's identity provider whose id_tokens the Host accepts in exchange for a
/// session (<c>POST /api/auth/sign-in/oidc</c>). Empty <see cref="Authority"/>: sign-in with a provider is off.
/// </summary>
internal sealed class ProviderSignInOptions : IValidatableObject
{
    public const string Section = "Access:OpenIdConnect";

    /// <summary>The provider's issuer address; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience the tokens must be issued for: the Designer's client id at the provider.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim holding the user name of a Host principal (default <c>preferred_username</c>).</summary>
    [Required]
    [MaxLength(200)]
    public string UserNameClaim { get; set; } = "preferred_username";

    /// <summary>Discovery document and keys over HTTPS only (default); false only for a provider on a private test network.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerance for clocks that differ between the provider and the Host, in seconds (default 60).</summary>
    [Range(0, 600)]
    public int ClockSkewSeconds { get; set; } = 60;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("must be an absolute http(s) address of the identity provider.", [nameof(Authority)]);
        }
        else if (RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ValidationResult(
                $"must be an https address (or set {Section}:{nameof(RequireHttpsMetadata)} to false for a test provider).", [nameof(Authority)]);
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("is required with an Authority: the client id the provider issues tokens for.", [nameof(Audience)]);
        }
    }
}
