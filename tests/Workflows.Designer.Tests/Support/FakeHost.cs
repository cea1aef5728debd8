using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Support;

/// <summary>
/// The Host faked at the HTTP level for component tests: each expected call (method and path, query excluded) has an
/// answer; any other call fails the test. Every request is recorded with its full address.
/// </summary>
public sealed class FakeHost : HttpMessageHandler
{
    private readonly Dictionary<string, Func<HttpRequestMessage, Task<string>>> answers = new(StringComparer.Ordinal);
    private readonly List<Uri> requests = [];

    public IReadOnlyList<Uri> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Answers GET (or <paramref name="method"/>) <paramref name="path"/> with the JSON <paramref name="answer"/> gives.</summary>
    public FakeHost On(string path, Func<HttpRequestMessage, string> answer, string method = "GET") =>
        On(path, request => Task.FromResult(answer(request)), method);

    /// <summary>Answers when the task <paramref name="answer"/> gives completes: a Host that takes its time.</summary>
    public FakeHost On(string path, Func<HttpRequestMessage, Task<string>> answer, string method = "GET")
    {
        answers[$"{method} /{path.TrimStart('/')}"] = answer;
        return this;
    }

    public FakeHost On(string path, string json, string method = "GET") => On(path, _ => json, method);

    /// <summary>Registers the typed client on this fake in a bUnit service collection.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddSingleton(new HostClient(new HttpClient(this) { BaseAddress = new Uri("http://host.test/") }, new NoCredentials(), NullLogger<HostClient>.Instance));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (requests)
        {
            requests.Add(request.RequestUri!);
        }

        var key = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        if (!answers.TryGetValue(key, out var answer))
        {
            throw new InvalidOperationException($"Unexpected call to the Host: {request.Method} {request.RequestUri}");
        }

        var json = await answer(request).WaitAsync(cancellationToken);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private sealed class NoCredentials : IHostCredentials
    {
        public ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<(string, string)?>(null);
    }
}
