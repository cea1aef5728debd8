namespace Workflows.Host.Tests.Architecture;

/// <summary>
/// The Host's feature folders form layers (docs/architecture.md): a folder may use the folders above it in
/// <see cref="Layers"/>, never one below it, so no two folders depend on each other, directly or around a circle.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>Lowest first. A new folder must be placed here before its code compiles into the rule.</summary>
    internal static readonly string[] Layers =
    [
        "Infrastructure",  // options, problem details, typed exceptions, shared log messages
        "Observability",   // the Host's spans and meters, OpenTelemetry and Prometheus set-up
        "Persistence",     // rows, the DbContext, the commit path (ChangesetStore, numbering), database errors
        "Access",          // principals, API keys, roles and policies
        "Definitions",     // procedure files, drafts, published versions, departments
        "Calendars",       // the working calendar (files and stored years), the cut-off rule
        "Notifications",   // templates and senders (SMTP, files)
        "Runtime",         // the engine in the Host: runner, timers, runtime status and gauges
        "Dossiers",        // the dossier read model, its projection, search, timeline, stop and result returned
        "Documents",       // printed forms
        "Deadlines",       // due-soon warnings, apology letters, calendar edits that move due times
        "Outbox",          // delivery of status pushes, notifications and parent resumes
        "Tasks",           // officers' queues and completions
        "Intake",          // intake systems' endpoints
        "Reports",         // statistics
        "Migrations",      // moving running dossiers to a later published version (API and worker)
        "Replay",          // generated workloads played through the Host's code path on a replay clock; the first-run demo
    ];

    [Fact]
    public void Every_feature_folder_is_placed_in_the_layers()
    {
        var folders = typeof(Workflows.Host.Persistence.ChangesetStore).Assembly.GetTypes()
            .Select(FolderDependencies.Folder)
            .OfType<string>()
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Empty(folders.Except(Layers));
    }

    [Fact]
    public void No_feature_folder_uses_a_folder_below_it()
    {
        var edges = FolderDependencies.Read(typeof(Workflows.Host.Persistence.ChangesetStore).Assembly);

        var upward = edges
            .SelectMany(e => e.Value.Select(t => (From: e.Key, To: t.Key, Example: t.Value)))
            .Where(e => Array.IndexOf(Layers, e.To) > Array.IndexOf(Layers, e.From))
            .Select(e => $"{e.From} uses {e.To}: {e.Example}")
            .ToList();

        Assert.Empty(upward);
    }

    [Fact]
    public void The_reader_sees_uses_inside_lambdas_and_async_methods()
    {
        // The rule is only as good as the reader: these uses exist only inside method bodies of compiler-generated
        // types (an endpoint lambda's closure, an async state machine), and must be seen.
        var edges = FolderDependencies.Read(typeof(Workflows.Host.Persistence.ChangesetStore).Assembly);

        Assert.Contains("Access", edges["Tasks"].Keys);      // TaskRequestContext reads the caller's claims
        Assert.Contains("Persistence", edges["Intake"].Keys); // the intake commits through ChangesetStore
        Assert.Contains("Calendars", edges["Runtime"].Keys);  // the engine's deadline calculator is registered in a lambda
    }
}
