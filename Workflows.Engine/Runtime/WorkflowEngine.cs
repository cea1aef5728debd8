using System.Runtime.CompilerServices;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Runtime;

/// <summary>
/// The engine's two entry points: <see cref="Start"/> a procedure version for a dossier, and
/// <see cref="Resume"/> one bookmark. Each call runs until every token waits and returns a
/// <see cref="Changeset"/> for a store to commit in one transaction; it never touches storage itself.
/// </summary>
/// <remarks>
/// Determinism rules: engine code reads time only from the injected <see cref="TimeProvider"/>, ids only
/// from the injected <see cref="IIdGenerator"/>, and never mutates the instance it is given.
/// The engine is thread-safe: one engine serves many concurrent calls.
/// </remarks>
public sealed class WorkflowEngine
{
    private readonly ConditionalWeakTable<ProcedureDefinition, CompiledProcedure> compiled = [];

    public WorkflowEngine(
        IDeadlineCalculator deadlines,
        TimeProvider? time = null,
        IIdGenerator? ids = null,
        IProcedureResolver? procedures = null,
        EngineOptions? options = null)
    {
        Deadlines = deadlines;
        Time = time ?? TimeProvider.System;
        Ids = ids ?? new SequentialIdGenerator(Time);
        Procedures = procedures;
        Options = options ?? new EngineOptions();
    }

    internal IDeadlineCalculator Deadlines { get; }

    internal TimeProvider Time { get; }

    internal IIdGenerator Ids { get; }

    internal IProcedureResolver? Procedures { get; }

    internal EngineOptions Options { get; }

    /// <summary>Starts a new instance at the definition's Start node.</summary>
    public ExecutionResult Start(ProcedureDefinition definition, StartRequest request)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(request);
        var procedure = Compile(definition);
        if (procedure.StartNode is null)
        {
            throw new InvalidOperationException($"Procedure {definition.Code} v{definition.Version} has no Start node; validate definitions before publishing.");
        }

        var changeset = new Changeset();
        ExecutionBurst.StartInstance(this, procedure, request, changeset);
        return new ExecutionResult(changeset, null);
    }

    /// <summary>
    /// Resumes a bookmark of <paramref name="instance"/>. A bookmark that no longer exists (already resumed,
    /// or cancelled) is rejected, so a duplicate delivery is never applied twice.
    /// </summary>
    public ExecutionResult Resume(ProcedureDefinition definition, WorkflowInstance instance, ResumeRequest request)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        if (NotPinnedTo(definition, instance) is { } mismatch)
        {
            return mismatch;
        }

        if (instance.IsFinished)
        {
            return ExecutionResult.Reject(RejectionCode.InstanceNotRunning,
                $"Instance {instance.Id} is {instance.Status.ToString().ToLowerInvariant()}.");
        }

        var bookmark = instance.Bookmarks.Find(b => b.Id == request.BookmarkId);
        if (bookmark is null)
        {
            return ExecutionResult.Reject(RejectionCode.StaleBookmark,
                $"Bookmark {request.BookmarkId} does not exist on instance {instance.Id}: it was already resumed or cancelled.");
        }

        return ExecutionBurst.ResumeInstance(this, Compile(definition), instance, bookmark, request);
    }

    /// <summary>
    /// Runs a faulted instance again from the node that faulted, after the definition was fixed.
    /// <paramref name="definition"/> is the instance's own version or a later version of the same procedure;
    /// a later version is taken only when it still has every node the instance stands on (its tokens and
    /// bookmarks), since node ids are what a running instance refers to.
    /// </summary>
    public ExecutionResult Retry(ProcedureDefinition definition, WorkflowInstance instance, RetryRequest request)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        if (instance.Status != InstanceStatus.Faulted)
        {
            return ExecutionResult.Reject(RejectionCode.InstanceNotRunning,
                $"Instance {instance.Id} is {instance.Status.ToString().ToLowerInvariant()}, not faulted.");
        }

        if (definition.Code != instance.DefinitionCode || definition.Version < instance.DefinitionVersion)
        {
            return ExecutionResult.Reject(RejectionCode.DefinitionMismatch,
                $"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}; it cannot be retried on {definition.Code} v{definition.Version}.");
        }

        var nodes = definition.Flowchart.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var missing = instance.Tokens.Select(t => t.NodeId).Concat(instance.Bookmarks.Select(b => b.NodeId))
            .Where(id => !nodes.Contains(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return ExecutionResult.Reject(RejectionCode.DefinitionMismatch,
                $"{definition.Code} v{definition.Version} has no node {string.Join(", ", missing.Select(m => $"'{m}'"))}, where instance {instance.Id} stands.");
        }

        return ExecutionBurst.RetryInstance(this, Compile(definition), instance, request);
    }

    /// <summary>
    /// Ends a running instance from outside the flowchart: the applicant withdrew (withdrawn) or processing was
    /// stopped (stopped). Every open task, wait and timer is closed, as when an End node is reached.
    /// </summary>
    public ExecutionResult Terminate(ProcedureDefinition definition, WorkflowInstance instance, TerminateRequest request)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(request);
        if (NotPinnedTo(definition, instance) is { } mismatch)
        {
            return mismatch;
        }

        if (instance.Status == InstanceStatus.Completed)
        {
            return ExecutionResult.Reject(RejectionCode.InstanceNotRunning, $"Instance {instance.Id} has already ended ({instance.Result?.ToString().ToLowerInvariant()}).");
        }

        return ExecutionBurst.TerminateInstance(this, Compile(definition), instance, request);
    }

    private static ExecutionResult? NotPinnedTo(ProcedureDefinition definition, WorkflowInstance instance) =>
        definition.Code == instance.DefinitionCode && definition.Version == instance.DefinitionVersion
            ? null
            : ExecutionResult.Reject(RejectionCode.DefinitionMismatch,
                $"Instance {instance.Id} runs {instance.DefinitionCode} v{instance.DefinitionVersion}, not {definition.Code} v{definition.Version}.");

    internal CompiledProcedure Compile(ProcedureDefinition definition) =>
        compiled.GetValue(definition, d => new CompiledProcedure(d, Options.Expressions));
}
