using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Access;

internal static class AccessExtensions
{
    /// <summary>API-key authentication and the role policies. Endpoints without a policy are refused.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PrincipalCache>();
        services.AddValidatedOptions<AccessOptions>(configuration, AccessOptions.Section);
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
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
