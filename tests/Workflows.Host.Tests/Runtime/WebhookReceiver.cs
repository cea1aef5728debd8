using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Host.Tests.Runtime;

/// <summary>A tiny HTTP receiver on 127.0.0.1 and a free port: records every request, answers <see cref="Status"/>.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public WebhookReceiver()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/status/";
        listener.Prefixes.Add(Url);
        listener.Start();
        loop = Task.Run(ListenAsync);
    }

    public string Url { get; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under the loop.
        }
    }

    private async Task ListenAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new ReceivedRequest(
                context.Request.HttpMethod,
                context.Request.Headers["X-Message-Id"],
                context.Request.Headers["X-Workflows-Event"],
                context.Request.ContentType,
                body));
            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }
}

internal sealed record ReceivedRequest(string Method, string? MessageId, string? Event, string? ContentType, string Body);

internal static class FactoryExtensions
{
    /// <summary>Like <see cref="Support.WorkflowsApp.ClientWithKey"/>, for a factory configured further with WithWebHostBuilder.</summary>
    public static HttpClient ClientWithKey(this Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string apiKey)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}
