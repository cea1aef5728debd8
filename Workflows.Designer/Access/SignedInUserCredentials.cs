using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Access;

/// <summary>
/// Calls the Host as the signed-in user: <c>Authorization: Bearer</c> with the Host token kept in the user's cookie.
/// In an interactive circuit the user is the one the circuit started with (the server's
/// <see cref="AuthenticationStateProvider"/> keeps the cookie's principal for the circuit's life; HttpContext is not
/// there after the first request); in a plain request (static pages, the sign-out endpoint) it is the request's user.
/// A token the Host refuses sends the browser to <see cref="AccessExtensions.SessionEndedPath"/>, which clears the cookie.
/// </summary>
internal sealed class SignedInUserCredentials(
    AuthenticationStateProvider authentication, IHttpContextAccessor httpContext, NavigationManager navigation) : IHostCredentials
{
    public async ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken)
    {
        var token = await CurrentUserTokenAsync();
        return token is null ? null : ("Authorization", "Bearer " + token);
    }

    public ValueTask RejectedAsync()
    {
        try
        {
            navigation.NavigateTo(AccessExtensions.SessionEndedPath, forceLoad: true);
        }
        catch (InvalidOperationException)
        {
            // Not in a component (an endpoint): the caller answers the request itself.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<string?> CurrentUserTokenAsync()
    {
        if (httpContext.HttpContext is { } context && !context.WebSockets.IsWebSocketRequest && context.User.Token() is { } requestToken)
        {
            return requestToken;
        }

        try
        {
            return (await authentication.GetAuthenticationStateAsync()).User.Token();
        }
        catch (InvalidOperationException)
        {
            // Outside a Blazor render (e.g. a minimal endpoint) the provider has no state: nobody is signed in there.
            return null;
        }
    }
}
