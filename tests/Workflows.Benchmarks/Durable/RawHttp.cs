using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Workflows.Benchmarks.Durable;

/// <summary>
/// The load generator's HTTP/1.1 client: one keep-alive connection per load client, requests sent as prepared bytes,
/// responses read to their end (Content-Length or chunked) and only the status kept. Why not HttpClient: on this
/// 2-core machine the load generator shares the cores with the Host and PostgreSQL, and HttpClient's per-request
/// work (message objects, header validation, pooled-connection bookkeeping) cost about half of the Host's own CPU
/// per request; pgbench, the baseline's client, is a lean C program. The requests are the same bytes on the wire.
/// </summary>
internal sealed class RawHttp(Uri baseAddress) : IDisposable
{
    private readonly ConcurrentDictionary<int, Connection> connections = new();
    private readonly string authority = baseAddress.Authority;

    /// <summary>POSTs a JSON body with an API key on client <paramref name="client"/>'s connection; returns the status code.</summary>
    public async Task<int> PostJsonAsync(int client, string pathAndQuery, string apiKey, string json, CancellationToken cancellationToken) =>
        (await SendAsync(client, "POST", pathAndQuery, apiKey, json, readBody: false, cancellationToken)).Status;

    /// <summary>As <see cref="PostJsonAsync"/>, and returns the response body (UTF-8) too.</summary>
    public Task<(int Status, string? Body)> PostJsonReadAsync(int client, string pathAndQuery, string apiKey, string json, CancellationToken cancellationToken) =>
        SendAsync(client, "POST", pathAndQuery, apiKey, json, readBody: true, cancellationToken);

    /// <summary>GETs a resource with an API key on client <paramref name="client"/>'s connection; returns the status and the body.</summary>
    public Task<(int Status, string? Body)> GetAsync(int client, string pathAndQuery, string apiKey, CancellationToken cancellationToken) =>
        SendAsync(client, "GET", pathAndQuery, apiKey, json: null, readBody: true, cancellationToken);

    private async Task<(int Status, string? Body)> SendAsync(int client, string method, string pathAndQuery, string apiKey, string? json, bool readBody, CancellationToken cancellationToken)
    {
        var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
        var content = json is null ? string.Empty : $"Content-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\n";
        var head = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{method} /{pathAndQuery.TrimStart('/')} HTTP/1.1\r\nHost: {authority}\r\nX-Api-Key: {apiKey}\r\n{content}\r\n"));
        var request = new byte[head.Length + body.Length];
        head.CopyTo(request, 0);
        body.CopyTo(request, head.Length);

        // A kept connection the Host may have closed meanwhile (Kestrel closes a keep-alive connection idle for its
        // KeepAliveTimeout, 130 s by default; the benchmark leaves some clients' connections idle longer than that while
        // pgbench and the other runs go on) is not reused: a request sent on it would find the connection closed.
        var connection = connections.TryGetValue(client, out var open) ? open : null;
        if (connection is not null && !connection.Reusable)
        {
            Drop(client);
            connection = null;
        }

        var reused = connection is not null;
        try
        {
            try
            {
                connection ??= connections[client] = await Connection.OpenAsync(baseAddress, cancellationToken);
                return await connection.SendAsync(request, readBody, cancellationToken);
            }
            catch (Exception e) when (reused && !connection!.ResponseStarted && e is IOException or SocketException)
            {
                // The Host closed the kept connection just as the request went out (the keep-alive race): it answered
                // nothing, so it processed nothing; send the request once more on a new connection, as HttpClient does.
                Drop(client);
                connection = connections[client] = await Connection.OpenAsync(baseAddress, cancellationToken);
                return await connection.SendAsync(request, readBody, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or FormatException)
        {
            // A broken or unreadable connection is not reused: the next request on this client opens a new one.
            Drop(client);
            throw new HttpRequestException(e.GetType().Name + ": " + e.Message, e);
        }
    }

    private void Drop(int client)
    {
        if (connections.TryRemove(client, out var broken))
        {
            broken.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var connection in connections.Values)
        {
            connection.Dispose();
        }

        connections.Clear();
    }

    private sealed class Connection(Socket socket) : IDisposable
    {
        /// <summary>Well below Kestrel's KeepAliveTimeout (130 s): an older idle connection is opened anew (HttpClient: 60 s).</summary>
        private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(60);

        private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
        private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
        private byte[] buffer = new byte[16 * 1024];
        private int start;
        private int end;
        private long lastUsed = Stopwatch.GetTimestamp();
        private bool closeAfterResponse;

        /// <summary>Some bytes of the current request's response have arrived (so the Host did receive the request).</summary>
        public bool ResponseStarted { get; private set; }

        /// <summary>
        /// Not idle too long, not closed by the Host ("Connection: close", or the end of the stream already waiting to be
        /// read: a readable socket with nothing to read), and nothing unread left over from the last response.
        /// </summary>
        public bool Reusable =>
            !closeAfterResponse
            && Stopwatch.GetElapsedTime(lastUsed) < MaxIdle
            && start == end
            && !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);

        public static async Task<Connection> OpenAsync(Uri address, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address.Host, address.Port, cancellationToken);
                return new Connection(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task<(int Status, string? Body)> SendAsync(ReadOnlyMemory<byte> request, bool readBody, CancellationToken cancellationToken)
        {
            ResponseStarted = false;
            while (!request.IsEmpty)
            {
                var sent = await socket.SendAsync(request, SocketFlags.None, cancellationToken);
                request = request[sent..];
            }

            // Status line and headers.
            var headerEnd = await FindAsync(HeadEnd, cancellationToken);
            var head = buffer.AsSpan(start, headerEnd - start);
            var status = ParseStatus(head);
            long? length = null;
            var chunked = false;
            foreach (var range in head.Split("\r\n"u8))
            {
                var line = head[range];
                if (StartsWithIgnoreCase(line, "content-length:"u8))
                {
                    length = Utf8Parser.TryParse(line["content-length:".Length..].Trim((byte)' '), out long value, out _) ? value : throw new FormatException("Bad Content-Length.");
                }
                else if (StartsWithIgnoreCase(line, "transfer-encoding:"u8) && line.IndexOf("chunked"u8) >= 0)
                {
                    chunked = true;
                }
                else if (StartsWithIgnoreCase(line, "connection:"u8) && Ascii.EqualsIgnoreCase(line["connection:".Length..].Trim((byte)' '), "close"u8))
                {
                    // The Host closes the connection after this response (e.g. while shutting down).
                    closeAfterResponse = true;
                }
            }

            start = headerEnd + 4;
            var sink = readBody ? new MemoryStream() : null;
            if (chunked)
            {
                // size-in-hex[;extensions] CRLF data CRLF ... 0 CRLF CRLF (Kestrel sends no trailers here).
                while (true)
                {
                    var lineEnd = await FindAsync(LineEnd, cancellationToken);
                    var sizeText = buffer.AsSpan(start, lineEnd - start);
                    var semicolon = sizeText.IndexOf((byte)';');
                    if (!Utf8Parser.TryParse(semicolon >= 0 ? sizeText[..semicolon] : sizeText, out long size, out _, 'x'))
                    {
                        throw new FormatException("Bad chunk size.");
                    }

                    start = lineEnd + 2;
                    await SkipAsync(size, sink, cancellationToken);
                    await SkipAsync(2, null, cancellationToken);
                    if (size == 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                await SkipAsync(length ?? 0, sink, cancellationToken);
            }

            lastUsed = Stopwatch.GetTimestamp();
            return (status, sink is null ? null : Encoding.UTF8.GetString(sink.GetBuffer(), 0, (int)sink.Length));
        }

        public void Dispose() => socket.Dispose();

        private static int ParseStatus(ReadOnlySpan<byte> head) =>
            head.Length >= 12 && head.StartsWith("HTTP/1.1 "u8) && Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _)
                ? status
                : throw new FormatException("Not an HTTP/1.1 response.");

        private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
            line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);

        // Index (in buffer) of the next occurrence of marker at or after start, reading more as needed.
        private async ValueTask<int> FindAsync(byte[] marker, CancellationToken cancellationToken)
        {
            var searched = 0;
            while (true)
            {
                var at = buffer.AsSpan(start + searched, end - start - searched).IndexOf(marker);
                if (at >= 0)
                {
                    return start + searched + at;
                }

                searched = Math.Max(0, end - start - marker.Length + 1);
                await ReadMoreAsync(cancellationToken);
            }
        }

        // Consumes count bytes of the body, copying them to sink when the caller wants the body.
        private async ValueTask SkipAsync(long count, MemoryStream? sink, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (end == start)
                {
                    await ReadMoreAsync(cancellationToken);
                }

                var taken = (int)Math.Min(count, end - start);
                sink?.Write(buffer, start, taken);
                start += taken;
                count -= taken;
            }
        }

        private async ValueTask ReadMoreAsync(CancellationToken cancellationToken)
        {
            if (start > 0)
            {
                // Keep the unread part at the front of the buffer.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The Host closed the connection.");
            }

            end += read;
            ResponseStarted = true;
        }
    }
}
