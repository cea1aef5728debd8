using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Administration;

/// <summary>
/// The Host's HTTP answers for component tests: each request (method and path with query) is recorded with its body, and
/// answered with the JSON given for it, or 404. The typed client under test is the real one.
/// </summary>
internal sealed class FakeHost : HttpMessageHandler
{
    private readonly Dictionary<string, Func<string?, (HttpStatusCode, string)>> answers = new(StringComparer.Ordinal);

    public List<(string Request, string? Body)> Requests { get; } = [];

    public FakeHost Answer(string method, string pathAndQuery, string json, HttpStatusCode status = HttpStatusCode.OK)
    {
        answers[$"{method} {pathAndQuery}"] = _ => (status, json);
        return this;
    }

    public HostClient Client() =>
        new(new HttpClient(this) { BaseAddress = new Uri("http://host.test/") }, new NoCredentials(), NullLogger<HostClient>.Instance);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = $"{request.Method} {request.RequestUri!.PathAndQuery}";
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((key, body));
        }

        var (status, json) = answers.TryGetValue(key, out var answer)
            ? answer(body)
            : (HttpStatusCode.NotFound, """{"title":"Not found","status":404}""");
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private sealed class NoCredentials : IHostCredentials
    {
        public ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<(string, string)?>(null);
    }
}
