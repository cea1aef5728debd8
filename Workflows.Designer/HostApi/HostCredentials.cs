using System.Net.Http.Headers;

namespace Workflows.Designer.HostApi;

/// <summary>
/// Who the Designer calls the Host as, for the current user (circuit or request). The typed client asks it for every
/// call, so the credential never leaves the server: pages and the browser's JavaScript never see it.
/// </summary>
public interface IHostCredentials
{
    /// <summary>The header to send (e.g. a bearer token of the signed-in user), or null when nobody is signed in.</summary>
    ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken);

    /// <summary>The Host refused the credential (401): e.g. sign the user out and send them to the sign-in page.</summary>
    ValueTask RejectedAsync() => ValueTask.CompletedTask;
}
