using Microsoft.AspNetCore.Authorization;
using Workflows.Host.Access;
using Workflows.Host.Definitions;

namespace Workflows.Host.Dossiers;

/// <summary>
/// Officers of a one-stop desk (a department of kind "desk" in departments.json): they hand the result to the applicant.
/// A policy, not a check inside the handler, so the rule is named where the endpoint is mapped.
/// </summary>
internal sealed class OneStopDeskRequirement : IAuthorizationRequirement
{
    public const string Policy = "one-stop-desk";

    public static void Add(AuthorizationPolicyBuilder policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.RequireRole(Roles.Officer).AddRequirements(new OneStopDeskRequirement());
    }
}

internal sealed class OneStopDeskHandler(DepartmentDirectory directory) : AuthorizationHandler<OneStopDeskRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OneStopDeskRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (directory.IncludesDesk(context.User.Departments()))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
