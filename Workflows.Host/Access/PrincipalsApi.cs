using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// A principal as administrators see it. <paramref name="HasPassword"/>: the user may sign in with a password;
/// <paramref name="Locked"/>: password sign-in is refused until <paramref name="LockedUntil"/> after too many failures.
/// </summary>
internal sealed record PrincipalDto(
    Guid Id, string Name, string? DisplayName, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments, string? WebhookUrl, bool Active,
    bool HasPassword, bool Locked, DateTimeOffset? LockedUntil);

internal sealed record CreatePrincipalRequest(
    string? Name, string? DisplayName, string? Kind, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Departments, string? WebhookUrl, string? Password);

/// <summary>Replaces a principal's display name, roles and departments.</summary>
internal sealed record UpdatePrincipalRequest(string? DisplayName, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Departments);

internal sealed record SetPasswordRequest(string? Password);

/// <summary>The new principal and its key, shown this once.</summary>
internal sealed record CreatedPrincipalDto(PrincipalDto Principal, string ApiKey);

/// <summary>/api/principals: administrators manage intake systems and users, their API keys, passwords, roles and departments.</summary>
internal static class PrincipalsApi
{
    private const string IntakeSystemsHaveNoPassword = "Intake systems sign in with their API key only; they have no password.";

    public static IEndpointRouteBuilder MapPrincipalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/principals").WithTags("Access").RequireAuthorization(Policies.Administrator);
        api.MapGet("/", List).WithSummary("Intake systems and users, with whether each has a password and is locked");
        api.MapPost("/", Create).WithSummary("Create an intake system or user (a user may get a first password); the API key is returned once");
        api.MapPut("/{name}", Update).WithSummary("Edit a principal's display name, roles and departments");
        api.MapPut("/{name}/password", SetPassword).WithSummary("Set or reset a user's password: clears the lockout and ends the user's sessions");
        api.MapPost("/{name}/unlock", Unlock).WithSummary("Lift a lockout after too many failed sign-ins");
        api.MapPost("/{name}/deactivate", Deactivate).WithSummary("Revoke a principal's key and end its sessions");
        app.MapGet("/api/me", (HttpContext context) => TypedResults.Ok(new
        {
            name = context.User.Name(),
            roles = context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value),
            departments = context.User.Departments(),
        })).WithTags("Access").WithSummary("Who the API key or session belongs to").RequireAuthorization();
        return app;
    }

    private static async Task<Ok<List<PrincipalDto>>> List(WorkflowsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var rows = await db.Principals.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(rows.Select(r => ToDto(r, now)).ToList());
    }

    private static async Task<Results<Created<CreatedPrincipalDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePrincipalRequest request, WorkflowsDbContext db, IKnownDepartments knownDepartments, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > ColumnSizes.PrincipalName)
        {
            errors["name"] = [$"A name of 1 to {ColumnSizes.PrincipalName} characters is required."];
        }

        CheckProfile(request.DisplayName, request.Roles, request.Departments, knownDepartments, errors);

        var kind = request.Kind ?? PrincipalKinds.User;
        if (kind is not (PrincipalKinds.User or PrincipalKinds.IntakeSystem))
        {
            errors["kind"] = [$"Kind is '{PrincipalKinds.User}' or '{PrincipalKinds.IntakeSystem}'."];
        }

        if (request.WebhookUrl is { Length: > ColumnSizes.WebhookUrl })
        {
            errors["webhookUrl"] = [$"A webhook URL has at most {ColumnSizes.WebhookUrl} characters."];
        }
        else if (request.WebhookUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors["webhookUrl"] = ["An absolute http(s) URL."];
        }

        if (request.Password is not null)
        {
            var problem = kind == PrincipalKinds.IntakeSystem ? IntakeSystemsHaveNoPassword : Passwords.Check(request.Password);
            if (problem is not null)
            {
                errors["password"] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.Principals.AnyAsync(p => p.Name == request.Name, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The name is taken", detail: $"A principal named '{request.Name}' already exists.");
        }

        var key = ApiKeys.NewKey();
        var now = time.GetUtcNow();
        var row = new PrincipalRow
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!,
            DisplayName = request.DisplayName,
            Kind = kind,
            Roles = string.Join(',', request.Roles!),
            Departments = string.Join(',', request.Departments ?? []),
            KeyHash = ApiKeys.Hash(key),
            WebhookUrl = request.WebhookUrl,
            CreatedAt = now,
            PasswordHash = request.Password is null ? null : Passwords.Hash(request.Password),
        };
        db.Principals.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/principals/{row.Name}", new CreatedPrincipalDto(ToDto(row, now), key));
    }

    private static async Task<Results<Ok<PrincipalDto>, ValidationProblem, NotFound>> Update(
        string name, UpdatePrincipalRequest request, WorkflowsDbContext db, IKnownDepartments knownDepartments, PrincipalCache cache, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CheckProfile(request.DisplayName, request.Roles, request.Departments, knownDepartments, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var row = await db.Principals.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        row.DisplayName = request.DisplayName;
        row.Roles = string.Join(',', request.Roles!);
        row.Departments = string.Join(',', request.Departments ?? []);
        await db.SaveChangesAsync(cancellationToken);
        // Sessions read the principal on every request; cached API keys get the new roles and departments now too.
        cache.Clear();
        return TypedResults.Ok(ToDto(row, time.GetUtcNow()));
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFound>> SetPassword(
        string name, SetPasswordRequest request, WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Principals.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var problem = row.Kind == PrincipalKinds.IntakeSystem ? IntakeSystemsHaveNoPassword : Passwords.Check(request.Password);
        if (problem is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [problem] });
        }

        row.PasswordHash = Passwords.Hash(request.Password!);
        row.FailedSignIns = 0;
        row.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        // Whoever knew the old password is signed out.
        await Sessions.RevokeAllAsync(db, row.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> Unlock(string name, WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        var updated = await db.Principals.Where(p => p.Name == name).ExecuteUpdateAsync(
            s => s.SetProperty(p => p.LockedUntil, (DateTimeOffset?)null).SetProperty(p => p.FailedSignIns, 0), cancellationToken);
        return updated == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> Deactivate(string name, WorkflowsDbContext db, PrincipalCache cache, CancellationToken cancellationToken)
    {
        var row = await db.Principals.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        row.Active = false;
        await db.SaveChangesAsync(cancellationToken);
        await Sessions.RevokeAllAsync(db, row.Id, cancellationToken);
        // The key stops working in this process now, not when its cache entry expires.
        cache.Clear();
        return TypedResults.NoContent();
    }

    /// <summary>The rules shared by creating and editing: display name, known roles, departments of the directory.</summary>
    private static void CheckProfile(
        string? displayName, IReadOnlyList<string>? roles, IReadOnlyList<string>? departments, IKnownDepartments knownDepartments, Dictionary<string, string[]> errors)
    {
        if (displayName is { Length: > ColumnSizes.PrincipalDisplayName })
        {
            errors["displayName"] = [$"A display name has at most {ColumnSizes.PrincipalDisplayName} characters."];
        }

        departments ??= [];
        if (departments.Any(d => string.IsNullOrWhiteSpace(d) || d.Length > ColumnSizes.Department || d.Contains(',', StringComparison.Ordinal)))
        {
            errors["departments"] = [$"Each department is an id of 1 to {ColumnSizes.Department} characters without commas."];
        }
        else if (string.Join(',', departments).Length > ColumnSizes.PrincipalDepartments)
        {
            errors["departments"] = [$"The departments together have at most {ColumnSizes.PrincipalDepartments} characters."];
        }
        else if (departments.Where(d => !knownDepartments.Exists(d)).ToList() is { Count: > 0 } unknown)
        {
            errors["departments"] = [$"Not in the department directory (GET /api/departments): {string.Join(", ", unknown)}."];
        }

        if (roles is null || roles.Count == 0 || roles.Any(r => !Access.Roles.All.Contains(r)))
        {
            errors["roles"] = [$"One or more of: {string.Join(", ", Access.Roles.All)}."];
        }
    }

    private static PrincipalDto ToDto(PrincipalRow row, DateTimeOffset now)
    {
        var locked = row.LockedUntil > now;
        return new(
            row.Id, row.Name, row.DisplayName, row.Kind,
            [.. PrincipalClaims.Split(row.Roles)], [.. PrincipalClaims.Split(row.Departments)], row.WebhookUrl, row.Active,
            row.PasswordHash is not null, locked, locked ? row.LockedUntil : null);
    }
}
