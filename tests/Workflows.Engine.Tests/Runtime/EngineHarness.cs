using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;

namespace Workflows.Engine.Tests.Runtime;

/// <summary>An engine on the in-memory store with a fake clock, as the engine tests use it.</summary>
internal sealed class EngineHarness
{
    // Monday 2 March 2026, 08:00 in Vietnam.
    public static readonly DateTimeOffset Monday0800 = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(7));

    public EngineHarness(EngineOptions? options = null, params ProcedureDefinition[] definitions)
    {
        Clock = new ManualClock(Monday0800);
        Calendar = WorkingCalendar.Standard([], []);
        Engine = new WorkflowEngine(new CalendarDeadlines(Calendar), Clock, new CountingIds(), Registry, options);
        Host = new InMemoryWorkflowHost(Engine, Registry, Store);
        foreach (var definition in definitions)
        {
            Registry.Publish(definition);
        }
    }

    public ManualClock Clock { get; }

    public WorkingCalendar Calendar { get; }

    public DefinitionRegistry Registry { get; } = new();

    public InMemoryWorkflowStore Store { get; } = new();

    public WorkflowEngine Engine { get; }

    public InMemoryWorkflowHost Host { get; }

    public WorkflowInstance Start(ProcedureDefinition definition, string data = "{}") =>
        Host.Start(definition.Code, definition.Version, Flow.Data(data));

    public WorkflowInstance Reload(WorkflowInstance instance) => Store.Instance(instance.Id)!;

    public IReadOnlyList<string> OpenSteps(WorkflowInstance instance) =>
        [.. Store.OpenTasks(instance.Id).Select(t => t.Opened.NodeId).Order()];

    public TaskRecord OpenTask(WorkflowInstance instance, string nodeId) =>
        Store.OpenTasks(instance.Id).Single(t => t.Opened.NodeId == nodeId);

    public void Complete(WorkflowInstance instance, string nodeId, string outcome = Outcomes.Approved, string? data = null)
    {
        var rejection = Host.CompleteTask(OpenTask(instance, nodeId).Opened.TaskId, outcome, data is null ? null : Flow.Data(data));
        Assert.Null(rejection);
    }

    public IReadOnlyList<JournalKind> JournalKinds(WorkflowInstance instance) => [.. Store.Journal(instance.Id).Select(j => j.Kind)];
}
