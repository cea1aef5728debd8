using Workflows.Designer.Editor.Diagram;
using Workflows.Designer.Editor.Diff;
using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

public sealed class DefinitionComparisonTests
{
    private readonly ProcedureDefinition published = SampleProcedures.ByCode();

    [Fact]
    public void Identical_versions_have_no_differences()
    {
        var comparison = DefinitionComparison.Compare(published, published with { Version = 2 });

        Assert.Empty(comparison.Differences);
        Assert.Empty(comparison.Metadata);
        Assert.All(comparison.Edges.Values, e => Assert.Equal(ChangeKind.Unchanged, e));
        Assert.Equal(0m, comparison.DifferenceDays);
    }

    [Fact]
    public void An_added_step_is_added_with_its_connections_and_lengthens_the_path()
    {
        var check = new StepNode { Id = "legalCheck", Name = "Kiểm tra pháp lý", Department = "urban-management", AllottedTime = TimeLimit.Days(2) };
        var connections = published.Flowchart.Connections.Where(c => c is not { From: "review", Outcome: "approved" })
            .Append(new Connection("review", "legalCheck", "approved")).Append(new Connection("legalCheck", "officeApproval", "approved"));
        var after = published with { Version = 2, Flowchart = new Flowchart { Nodes = [.. published.Flowchart.Nodes, check], Connections = [.. connections] } };

        var comparison = DefinitionComparison.Compare(published, after);

        var added = Assert.Single(comparison.Differences);
        Assert.Equal(("legalCheck", ChangeKind.Added), (added.Id, added.Change));
        Assert.Equal(DiffState.Added, comparison.NodeDiff["legalCheck"]);
        Assert.Equal(DiffState.Added, comparison.EdgeDiff["review:approved->legalCheck"]);
        Assert.Equal(DiffState.Removed, comparison.EdgeDiff["review:approved->officeApproval"]);
        Assert.Equal((15m, 17m, 2m), (comparison.LongestPathDaysBefore, comparison.LongestPathDaysAfter, comparison.DifferenceDays));
        Assert.Equal(13.3m, comparison.DifferencePercent);
    }

    [Fact]
    public void A_changed_step_lists_each_changed_field_old_and_new()
    {
        var nodes = published.Flowchart.Nodes.Select(n => n is StepNode { Id: "review" } s ? s with { AllottedTime = TimeLimit.Days(5), Role = "leader" } : n);
        var after = published with { Flowchart = published.Flowchart with { Nodes = [.. nodes] } };

        var review = Assert.Single(DefinitionComparison.Compare(published, after).Differences);

        Assert.Equal(ChangeKind.Changed, review.Change);
        Assert.Equal(["role", "allottedTime"], review.Fields.Select(f => f.Field));
        Assert.Equal("specialist", review.Fields[0].Before!.GetValue<string>());
        Assert.Equal("leader", review.Fields[0].After!.GetValue<string>());
        Assert.Equal(7m, review.Fields[1].Before!["value"]!.GetValue<decimal>());
        Assert.Equal(5m, review.Fields[1].After!["value"]!.GetValue<decimal>());
    }

    [Fact]
    public void A_removed_node_is_listed_after_the_others()
    {
        var after = published with { Flowchart = new Flowchart { Nodes = [.. published.Flowchart.Nodes.Where(n => n.Id != "notifyReceived")], Connections = published.Flowchart.Connections } };

        var comparison = DefinitionComparison.Compare(published, after);

        Assert.Equal(("notifyReceived", ChangeKind.Removed), (comparison.Nodes[^1].Id, comparison.Nodes[^1].Change));
        Assert.Equal(DiffState.Removed, comparison.NodeDiff["notifyReceived"]);
    }

    [Fact]
    public void A_node_that_only_moved_is_layout_only_and_not_coloured()
    {
        var before = published with { Layout = new DefinitionLayout { Nodes = new Dictionary<string, NodePosition> { ["review"] = new(100, 40) } } };
        var after = published with { Layout = new DefinitionLayout { Nodes = new Dictionary<string, NodePosition> { ["review"] = new(300, 40) } } };

        var comparison = DefinitionComparison.Compare(before, after);

        Assert.Equal(ChangeKind.LayoutOnly, comparison.Nodes.Single(n => n.Id == "review").Change);
        Assert.Empty(comparison.Differences);
        Assert.Equal(DiffState.None, comparison.NodeDiff["review"]);
    }

    [Fact]
    public void Metadata_changes_name_the_time_limits_documents_and_fee()
    {
        var after = published with
        {
            CommittedTimeLimit = TimeLimit.Days(10),
            Fee = new Fee { Amount = 50000 },
            Documents = [.. published.Documents.Take(2)],
        };

        var metadata = DefinitionComparison.Compare(published, after).Metadata;

        Assert.Equal(["committedTimeLimit", "documents", "fee"], metadata.Select(m => m.Field));
        Assert.Equal(15m, metadata[0].Before!["value"]!.GetValue<decimal>());
        Assert.Equal(10m, metadata[0].After!["value"]!.GetValue<decimal>());
    }
}
