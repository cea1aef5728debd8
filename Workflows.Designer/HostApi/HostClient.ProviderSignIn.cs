namespace Workflows.Designer.HostApi;

public sealed partial class HostClient
{
    /// <summary>
    /// Exchanges the identity provider's id_token for a Host session (the Host checks the token and that its user exists
    /// and is active); sent without the current user's credential (nobody is signed in yet).
    /// </summary>
    public async Task<HostSession> SignInWithProviderAsync(string idToken, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/sign-in/oidc")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { idToken }, options: Json),
        };
        using var response = await SendAsync(request, cancellationToken, asCurrentUser: false);
        return await ReadAsync<HostSession>(response, cancellationToken);
    }
}
