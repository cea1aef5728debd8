using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Workflows.Designer.HostApi;

/// <summary>
/// The one typed client through which the Designer reaches the Host's HTTP API. Each feature adds its calls in a
/// partial file next to this one (<c>HostClient.Definitions.cs</c>, ...). A refused call throws
/// <see cref="HostProblemException"/> carrying the Host's ProblemDetails; an unreachable Host is a problem too, so
/// pages show one kind of message.
/// </summary>
public sealed partial class HostClient(HttpClient http, IHostCredentials credentials, ILogger<HostClient> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>GET a JSON resource.</summary>
    internal async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Send a JSON body (or none) and read a JSON answer.</summary>
    internal async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Send a JSON body (or none) when the answer has no body the caller needs.</summary>
    internal async Task SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="request"/> as the current user; a non-success answer becomes a
    /// <see cref="HostProblemException"/>. The caller disposes the response.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool asCurrentUser = true)
    {
        var header = asCurrentUser ? await credentials.GetHeaderAsync(cancellationToken) : null;
        if (header is { } sent)
        {
            request.Headers.TryAddWithoutValidation(sent.Name, sent.Value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, http.BaseAddress, e.Message);
            throw new HostProblemException(Unreachable(e.Message));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, http.BaseAddress, "timeout");
            throw new HostProblemException(Unreachable("timeout"));
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized && header is not null)
            {
                // The Host no longer accepts the user's session (expired, signed out elsewhere, deactivated).
                await credentials.RejectedAsync();
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HostProblemException(HostProblem.Read(response.StatusCode, body));
        }
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new HostProblemException(new HostProblem
                {
                    Title = "The Host answered with an empty body.", Status = (int)response.StatusCode, Code = DesignerProblemCodes.HostUnreadable,
                });
        }
        catch (JsonException e)
        {
            throw new HostProblemException(new HostProblem
            {
                Title = "The Host's answer could not be read.",
                Detail = e.Message,
                Status = (int)response.StatusCode,
                Code = DesignerProblemCodes.HostUnreadable,
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Host at {BaseAddress} could not be reached: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri? baseAddress, string reason);

    private static HostProblem Unreachable(string reason) => new()
    {
        Type = "urn:workflows:designer:host-unreachable",
        Title = "The Host could not be reached.",
        Detail = reason,
        Status = (int)HttpStatusCode.ServiceUnavailable,
        Code = DesignerProblemCodes.HostUnreachable,
        Args = new Dictionary<string, string> { ["reason"] = reason },
    };
}
