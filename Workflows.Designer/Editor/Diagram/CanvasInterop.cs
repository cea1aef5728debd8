using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.JSInterop;

namespace Workflows.Designer.Editor.Diagram;

/// <summary>
/// The one interop boundary with the canvas module (Canvas/src/canvas.js, bundled to wwwroot/js/canvas.js): creates
/// the graph, sends patches and view commands as JSON strings (never deep object graphs: the interop depth limit), and
/// reads intents back. Calls made before the module is ready wait in a queue and run, in order, once it is. Failures
/// are not swallowed: they reach the caller.
/// </summary>
public sealed class CanvasInterop(IJSRuntime js) : IAsyncDisposable
{
    /// <summary>Where the build puts the bundle (see the CanvasBundle target of Workflows.Designer.csproj).</summary>
    public const string ModulePath = "./js/canvas.js";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<Func<IJSObjectReference, Task>> queued = [];
    private IJSObjectReference? module;
    private IJSObjectReference? handle;
    private bool disposed;

    public bool IsReady => handle is not null;

    /// <summary>
    /// Creates the graph in <paramref name="element"/> and runs the calls queued so far; false when the canvas was
    /// disposed meanwhile (nothing was created, nothing more may be called).
    /// </summary>
    public async Task<bool> CreateAsync(object element, DotNetObjectReference<DiagramCanvas> callback, bool readOnly)
    {
        module = await js.InvokeAsync<IJSObjectReference>("import", ModulePath);
        // The user may have left the page while the module loaded: the component's callback is disposed by then, and
        // handing it to the module would fail the whole circuit (every page of the tab stops answering).
        if (disposed)
        {
            await DisposeAsync();
            return false;
        }

        handle = await module.InvokeAsync<IJSObjectReference>("create", element, callback, JsonSerializer.Serialize(new { readOnly }, Json));
        if (disposed)
        {
            await DisposeAsync();
            return false;
        }

        var pending = queued.ToList();
        queued.Clear();
        foreach (var call in pending)
        {
            await call(handle);
        }

        return true;
    }

    /// <summary>
    /// Applies a patch; with <paramref name="fit"/>, fits the view to the result in the same call (the first drawing:
    /// a separate fit would wait behind the frames in which X6 draws the cells, then move what the user already sees).
    /// </summary>
    public Task RenderAsync(DiagramPatch patch, bool fit = false) =>
        CallAsync(h => h.InvokeVoidAsync("render", JsonSerializer.Serialize(patch, Json), fit).AsTask());

    public Task FitAsync() => CallAsync(h => h.InvokeVoidAsync("fit").AsTask());

    public Task ZoomAsync(double factor) => CallAsync(h => h.InvokeVoidAsync("zoom", factor).AsTask());

    public Task FocusNodeAsync(string id) => CallAsync(h => h.InvokeVoidAsync("focusNode", id).AsTask());

    /// <summary>Pans (and zooms back to a readable scale) so the node is in view, without selecting it.</summary>
    public Task RevealNodeAsync(string id) => CallAsync(h => h.InvokeVoidAsync("revealNode", id).AsTask());

    private Task CallAsync(Func<IJSObjectReference, Task> call)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (handle is null)
        {
            queued.Add(call);
            return Task.CompletedTask;
        }

        return call(handle);
    }

    /// <summary>
    /// The intent a JSON message from the canvas stands for (<c>{"type":"NodeMoved","id":...}</c>), as one of the
    /// records of <see cref="DiagramIntent"/>; a message of an unknown type or shape is an error, not ignored.
    /// </summary>
    public static DiagramIntent ParseIntent(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var type = document.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        DiagramIntent? intent = type switch
        {
            "NodeMoved" => document.Deserialize<NodeMoved>(Json),
            "NodesConnected" => document.Deserialize<NodesConnected>(Json),
            "ElementsRemoved" => document.Deserialize<ElementsRemoved>(Json),
            "NodeDropped" => document.Deserialize<NodeDropped>(Json),
            "SelectionChanged" => document.Deserialize<SelectionChanged>(Json),
            "PasteRequested" => document.Deserialize<PasteRequested>(Json),
            "UndoRequested" => new UndoRequested(),
            "RedoRequested" => new RedoRequested(),
            _ => throw new JsonException($"The canvas sent an intent of unknown type '{type}'."),
        };
        return intent ?? throw new JsonException($"The canvas sent an empty {type} intent.");
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        queued.Clear();
        // Taken before the first await: the component and a create that finished late may both dispose.
        var graph = handle;
        var loaded = module;
        handle = null;
        module = null;
        try
        {
            if (graph is not null)
            {
                await graph.InvokeVoidAsync("dispose");
                await graph.DisposeAsync();
            }

            if (loaded is not null)
            {
                await loaded.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the browser tab: there is no graph left to dispose.
        }
    }
}
