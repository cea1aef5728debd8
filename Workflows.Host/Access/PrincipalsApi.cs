using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

internal sealed record PrincipalDto(Guid Id, string Name, string? DisplayName, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments, string? WebhookUrl, bool Active);

internal sealed record CreatePrincipalRequest(string? Name, string? DisplayName, string? Kind, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Departments, string? WebhookUrl);

/// <summary>The new principal and its key, shown this once.</summary>
internal sealed record CreatedPrincipalDto(PrincipalDto Principal, string ApiKey);

/// <summary>/api/principals: administrators manage intake systems and users and their API keys.</summary>
internal static class PrincipalsApi
{
    public static IEndpointRouteBuilder MapPrincipalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/principals").WithTags("Access").RequireAuthorization(Policies.Administrator);
        api.MapGet("/", List).WithSummary("Intake systems and users");
        api.MapPost("/", Create).WithSummary("Create an intake system or user; the API key is returned once");
        api.MapPost("/{name}/deactivate", Deactivate).WithSummary("Revoke a principal's key");
        app.MapGet("/api/me", (HttpContext context) => TypedResults.Ok(new
        {
            name = context.User.Name(),
            roles = context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value),
            departments = context.User.Departments(),
        })).WithTags("Access").WithSummary("Who the API key belongs to").RequireAuthorization();
        return app;
    }

    private static async Task<Ok<List<PrincipalDto>>> List(WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Principals.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<Results<Created<CreatedPrincipalDto>, ValidationProblem, Conflict<string>>> Create(
        CreatePrincipalRequest request, WorkflowsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > ColumnSizes.PrincipalName)
        {
            errors["name"] = [$"A name of 1 to {ColumnSizes.PrincipalName} characters is required."];
        }

        if (request.DisplayName is { Length: > ColumnSizes.PrincipalDisplayName })
        {
            errors["displayName"] = [$"A display name has at most {ColumnSizes.PrincipalDisplayName} characters."];
        }

        var departments = request.Departments ?? [];
        if (departments.Any(d => string.IsNullOrWhiteSpace(d) || d.Length > ColumnSizes.Department || d.Contains(',', StringComparison.Ordinal)))
        {
            errors["departments"] = [$"Each department is an id of 1 to {ColumnSizes.Department} characters without commas."];
        }
        else if (string.Join(',', departments).Length > ColumnSizes.PrincipalDepartments)
        {
            errors["departments"] = [$"The departments together have at most {ColumnSizes.PrincipalDepartments} characters."];
        }

        var kind = request.Kind ?? PrincipalKinds.User;
        if (kind is not (PrincipalKinds.User or PrincipalKinds.IntakeSystem))
        {
            errors["kind"] = [$"Kind is '{PrincipalKinds.User}' or '{PrincipalKinds.IntakeSystem}'."];
        }

        var roles = request.Roles ?? [];
        if (roles.Count == 0 || roles.Any(r => !Access.Roles.All.Contains(r)))
        {
            errors["roles"] = [$"One or more of: {string.Join(", ", Access.Roles.All)}."];
        }

        if (request.WebhookUrl is { Length: > ColumnSizes.WebhookUrl })
        {
            errors["webhookUrl"] = [$"A webhook URL has at most {ColumnSizes.WebhookUrl} characters."];
        }
        else if (request.WebhookUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors["webhookUrl"] = ["An absolute http(s) URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.Principals.AnyAsync(p => p.Name == request.Name, cancellationToken))
        {
            return TypedResults.Conflict($"A principal named '{request.Name}' already exists.");
        }

        var key = ApiKeys.NewKey();
        var row = new PrincipalRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Name = request.Name!,
            DisplayName = request.DisplayName,
            Kind = kind,
            Roles = string.Join(',', roles),
            Departments = string.Join(',', departments),
            KeyHash = ApiKeys.Hash(key),
            WebhookUrl = request.WebhookUrl,
            CreatedAt = time.GetUtcNow(),
        };
        db.Principals.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/principals/{row.Name}", new CreatedPrincipalDto(ToDto(row), key));
    }

    private static async Task<Results<NoContent, NotFound>> Deactivate(string name, WorkflowsDbContext db, PrincipalCache cache, CancellationToken cancellationToken)
    {
        var updated = await db.Principals.Where(p => p.Name == name).ExecuteUpdateAsync(s => s.SetProperty(p => p.Active, false), cancellationToken);
        // The key stops working in this process now, not when its cache entry expires.
        cache.Clear();
        return updated == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static PrincipalDto ToDto(PrincipalRow row) => new(
        row.Id, row.Name, row.DisplayName, row.Kind,
        [.. ApiKeyAuthenticationHandler.Split(row.Roles)], [.. ApiKeyAuthenticationHandler.Split(row.Departments)], row.WebhookUrl, row.Active);
}
