using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Versions;
using Workflows.Host.Definitions;
using Workflows.Host.Persistence;
using Workflows.Workload;

namespace Workflows.Host.Replay;

/// <summary>The workload settings of the catalogue the Host has published: its procedures and reception points.</summary>
internal static class ReplayPlans
{
    /// <summary>A point code for a Host without a reception-point directory (intake then accepts any code).</summary>
    public const string DefaultReceptionPoint = "mot-cua";

    public static async Task<WorkloadSettings> SettingsAsync(
        IServiceProvider services, DateOnly from, DateOnly to, double dossiersPerWorkingDay, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var registry = scope.ServiceProvider.GetRequiredService<DefinitionRegistry>();
        var codes = await db.ProcedureVersions.AsNoTracking().Where(p => p.PublishedAt != null)
            .Select(p => p.Code).Distinct().ToListAsync(cancellationToken);
        // In code order, so the seed alone decides which procedures are common (the generator shuffles them).
        var procedures = codes.Order(StringComparer.Ordinal)
            .Select(code => registry.Resolve(code, from))
            .OfType<Engine.Definitions.ProcedureDefinition>()
            .Select(d => new WorkloadProcedure(d.Code, d.CommittedTimeLimit.Value))
            .ToList();
        var points = scope.ServiceProvider.GetRequiredService<ReceptionPointDirectory>().All?.Select(p => p.Code).ToList();
        return new WorkloadSettings
        {
            Seed = seed,
            From = from,
            To = to,
            DossiersPerWorkingDay = dossiersPerWorkingDay,
            Procedures = procedures,
            ReceptionPoints = points is { Count: > 0 } ? points : [DefaultReceptionPoint],
        };
    }

    /// <summary>The generated dossiers of <paramref name="settings"/> received no later than <paramref name="until"/>.</summary>
    public static List<GeneratedDossier> Generate(WorkingCalendar calendar, WorkloadSettings settings, DateTimeOffset until) =>
        [.. WorkloadGenerator.Generate(calendar, settings).TakeWhile(d => d.ReceivedAt <= until)];
}
