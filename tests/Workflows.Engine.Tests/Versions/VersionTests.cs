using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Engine.Tests.Runtime;
using Workflows.Engine.Versions;
using static Workflows.Engine.Tests.Flow;

namespace Workflows.Engine.Tests.Versions;

public class VersionTests
{
    // Version 1: intake → review → appraise → sign. Version 2 merges review and appraise into "assess".
    private static readonly ProcedureDefinition V1 = Procedure("T.VER",
        [Start(), Step("intake"), Step("review", "land-registry"), Step("appraise", "land-registry"), Step("sign", "leadership"), End()],
        [C("start", "intake"), C("intake", "review", Outcomes.Approved), C("review", "appraise", Outcomes.Approved), C("appraise", "sign", Outcomes.Approved), C("sign", "end", Outcomes.Approved)]);

    private static readonly ProcedureDefinition V2 = Procedure("T.VER",
        [Start(), Step("intake"), Step("assess", "land-registry", 2), Step("sign", "leadership"), End()],
        [C("start", "intake"), C("intake", "assess", Outcomes.Approved), C("assess", "sign", Outcomes.Approved), C("sign", "end", Outcomes.Approved)],
        version: 2) with { EffectiveFrom = new DateOnly(2026, 7, 1) };

    [Fact]
    public void A_published_version_cannot_be_changed()
    {
        var registry = new DefinitionRegistry();
        registry.Publish(V1);
        registry.Publish(V1 with { });

        var changed = V1 with { Name = "Tên khác" };

        var error = Assert.Throws<PublishedVersionImmutableException>(() => registry.Publish(changed));
        Assert.Contains("new version", error.Message, StringComparison.Ordinal);
        Assert.Equal(V1.Name, registry.Get("T.VER", 1)!.Name);
    }

    [Fact]
    public void The_version_in_force_on_a_day_is_the_highest_already_effective()
    {
        var registry = new DefinitionRegistry();
        registry.Publish(V1);
        registry.Publish(V2);

        Assert.Equal(1, registry.Resolve("T.VER", new DateOnly(2026, 6, 30))!.Version);
        Assert.Equal(2, registry.Resolve("T.VER", new DateOnly(2026, 7, 1))!.Version);
        Assert.Null(registry.Resolve("T.VER", new DateOnly(2025, 12, 31)));
    }

    [Fact]
    public void Running_instances_stay_on_their_version_after_a_new_one_is_published()
    {
        var harness = new EngineHarness(null, V1);
        var instance = harness.Start(V1);
        harness.Registry.Publish(V2);

        harness.Complete(instance, "intake");

        Assert.Equal(1, harness.Reload(instance).DefinitionVersion);
        Assert.Equal(["review"], harness.OpenSteps(instance));
    }

    [Fact]
    public void A_migration_dry_run_refuses_when_a_live_dossier_sits_on_a_removed_node_the_map_does_not_cover()
    {
        var harness = new EngineHarness(null, V1);
        var atIntake = harness.Start(V1);
        var atReview = harness.Start(V1);
        harness.Complete(atReview, "intake");

        var dryRun = MigrationPlanner.DryRun(new MigrationPlan(V1, V2, new Dictionary<string, string>()), harness.Store.Instances());

        Assert.False(dryRun.CanApply);
        var blocker = Assert.Single(dryRun.Blockers);
        Assert.Equal(atReview.Id, blocker.InstanceId);
        Assert.Equal("review", blocker.NodeId);
        Assert.Contains("removed", blocker.Message, StringComparison.Ordinal);
        Assert.Contains(dryRun.Affected, a => a.InstanceId == atIntake.Id && a.Moves.Single() == new NodeMove("intake", "intake"));
        Assert.Throws<InvalidOperationException>(() => MigrationPlanner.Apply(new MigrationPlan(V1, V2, new Dictionary<string, string>()), harness.Reload(atReview), harness.Clock.Now, new CountingIds()));
    }

    [Fact]
    public void A_migration_map_moves_the_open_task_and_the_dossier_continues_on_the_new_version()
    {
        var harness = new EngineHarness(null, V1, V2);
        var instance = harness.Start(V1);
        harness.Complete(instance, "intake");
        var plan = new MigrationPlan(V1, V2, new Dictionary<string, string> { ["review"] = "assess", ["appraise"] = "assess" });

        var dryRun = MigrationPlanner.DryRun(plan, harness.Store.Instances());
        Assert.True(dryRun.CanApply);
        Assert.Equal(new NodeMove("review", "assess"), dryRun.Affected.Single().Moves.Single());

        harness.Store.Commit(MigrationPlanner.Apply(plan, harness.Reload(instance), harness.Clock.Now, new CountingIds()));

        instance = harness.Reload(instance);
        Assert.Equal(2, instance.DefinitionVersion);
        Assert.Equal(["assess"], harness.OpenSteps(instance));
        Assert.Equal(JournalKind.Migrated, harness.JournalKinds(instance)[^1]);
        harness.Complete(instance, "assess");
        harness.Complete(instance, "sign");
        Assert.Equal(InstanceStatus.Completed, harness.Reload(instance).Status);
    }

    [Fact]
    public void A_migration_map_onto_a_node_of_another_kind_is_refused()
    {
        var harness = new EngineHarness(null, V1);
        var instance = harness.Start(V1);
        harness.Complete(instance, "intake");

        var dryRun = MigrationPlanner.DryRun(new MigrationPlan(V1, V2, new Dictionary<string, string> { ["review"] = "end" }), [harness.Reload(instance)]);

        Assert.Contains(dryRun.Blockers, b => b.NodeId == "review" && b.Message.Contains("End", StringComparison.Ordinal));
    }

    [Fact]
    public void Finished_dossiers_and_other_versions_are_not_affected_by_a_migration()
    {
        var harness = new EngineHarness(null, V1, V2);
        var finished = harness.Start(V1);
        foreach (var step in new[] { "intake", "review", "appraise", "sign" })
        {
            harness.Complete(finished, step);
        }

        var onV2 = harness.Start(V2);

        var dryRun = MigrationPlanner.DryRun(new MigrationPlan(V1, V2, new Dictionary<string, string>()), harness.Store.Instances());

        Assert.Empty(dryRun.Affected);
        Assert.True(dryRun.CanApply);
        Assert.Equal(2, harness.Reload(onV2).DefinitionVersion);
    }
}
