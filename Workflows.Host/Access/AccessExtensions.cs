using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Access;

internal static class AccessExtensions
{
    /// <summary>The default scheme: picks the session or the API-key scheme by the request's headers.</summary>
    private const string CallerScheme = "Caller";

    /// <summary>
    /// API-key and session-token authentication and the role policies. Endpoints without a policy are refused. A request
    /// with <c>Authorization: Bearer</c> is read by the session scheme, any other by the API-key scheme; both give the
    /// same claims, so the policies do not care which.
    /// </summary>
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PrincipalCache>();
        services.AddValidatedOptions<AccessOptions>(configuration, AccessOptions.Section);
        services.AddValidatedOptions<ProviderSignInOptions>(configuration, ProviderSignInOptions.Section);
        services.AddSingleton<ProviderTokens>();
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, null, o => o.ForwardDefaultSelector = context =>
                Sessions.BearerToken(context.Request) is null ? ApiKeyAuthenticationHandler.SchemeName : SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            // A forgotten policy must fail closed.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Intake, p => p.RequireRole(Roles.Intake))
            .AddPolicy(Policies.Designer, p => p.RequireRole(Roles.Designer, Roles.Administrator))
            .AddPolicy(Policies.Administrator, p => p.RequireRole(Roles.Administrator))
            .AddPolicy(Policies.Officer, p => p.RequireRole(Roles.Officer))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Designer, Roles.Administrator, Roles.Officer))
            .AddPolicy(Policies.DossierHandler, p => p.RequireRole(Roles.Administrator, Roles.Officer))
            .AddPolicy(Policies.CalendarReader, p => p.RequireRole(Roles.Designer, Roles.Administrator, Roles.Officer, Roles.Intake))
            .AddPolicy(Policies.DirectoryReader, p => p.RequireRole(Roles.Designer, Roles.Administrator, Roles.Officer, Roles.Intake));
        return services;
    }

    public static WebApplication UseAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
