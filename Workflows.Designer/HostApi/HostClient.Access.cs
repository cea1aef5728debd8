namespace Workflows.Designer.HostApi;

/// <summary>Who a session signs in (POST /api/auth/sign-in).</summary>
public sealed record SignedInPrincipal(string Name, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

/// <summary>The Host's session token (kept only in the Designer's encrypted cookie) and when it ends.</summary>
public sealed record HostSession(string Token, DateTimeOffset ExpiresAt, SignedInPrincipal Principal);

/// <summary>A development user the Host seeds in Development (GET /api/auth/development-users).</summary>
public sealed record DevelopmentUser(string Name, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

/// <summary>An intake system or user as administrators see it (GET /api/principals).</summary>
public sealed record Principal(
    Guid Id, string Name, string? DisplayName, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments, string? WebhookUrl, bool Active,
    bool HasPassword, bool Locked, DateTimeOffset? LockedUntil);

public sealed record NewPrincipal(
    string Name, string? DisplayName, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments, string? WebhookUrl, string? Password);

/// <summary>The new principal and its API key, which the Host shows this once.</summary>
public sealed record CreatedPrincipal(Principal Principal, string ApiKey);

public sealed record PrincipalProfile(string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

/// <summary>The kinds and roles the Host knows (Workflows.Host/Access).</summary>
public static class PrincipalKinds
{
    public const string User = "user";
    public const string IntakeSystem = "intakeSystem";
}

public static class HostRoles
{
    public const string Designer = "designer";
    public const string Administrator = "administrator";
    public const string Officer = "officer";
    public const string Intake = "intake";

    public static readonly IReadOnlyList<string> All = [Designer, Administrator, Officer, Intake];
}

public sealed partial class HostClient
{
    /// <summary>Signs a person in with the Host; sent without the current user's credential (nobody is signed in yet).</summary>
    public async Task<HostSession> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/sign-in")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { userName, password }, options: Json),
        };
        using var response = await SendAsync(request, cancellationToken, asCurrentUser: false);
        return await ReadAsync<HostSession>(response, cancellationToken);
    }

    /// <summary>Ends the current user's Host session (its token stops working).</summary>
    public Task SignOutAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "api/auth/sign-out", null, cancellationToken);

    /// <summary>Development only: the users a newcomer can sign in as with one click.</summary>
    public async Task<IReadOnlyList<DevelopmentUser>> GetDevelopmentUsersAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/auth/development-users"), cancellationToken, asCurrentUser: false);
        return await ReadAsync<IReadOnlyList<DevelopmentUser>>(response, cancellationToken);
    }

    public Task<IReadOnlyList<Principal>> GetPrincipalsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<Principal>>("api/principals", cancellationToken);

    public Task<CreatedPrincipal> CreatePrincipalAsync(NewPrincipal principal, CancellationToken cancellationToken = default) =>
        SendJsonAsync<CreatedPrincipal>(HttpMethod.Post, "api/principals", principal, cancellationToken);

    public Task<Principal> UpdatePrincipalAsync(string name, PrincipalProfile profile, CancellationToken cancellationToken = default) =>
        SendJsonAsync<Principal>(HttpMethod.Put, $"api/principals/{Uri.EscapeDataString(name)}", profile, cancellationToken);

    public Task SetPasswordAsync(string name, string password, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Put, $"api/principals/{Uri.EscapeDataString(name)}/password", new { password }, cancellationToken);

    public Task UnlockAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"api/principals/{Uri.EscapeDataString(name)}/unlock", null, cancellationToken);

    public Task DeactivateAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"api/principals/{Uri.EscapeDataString(name)}/deactivate", null, cancellationToken);
}
