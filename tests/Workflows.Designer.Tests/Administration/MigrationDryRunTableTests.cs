using System.Globalization;
using Bunit;
using MudBlazor.Services;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Designer.Components.Administration;
using Workflows.Designer.HostApi;

namespace Workflows.Designer.Tests.Administration;

public sealed class MigrationDryRunTableTests : BunitContext, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services dispose only asynchronously; xunit disposes the context synchronously otherwise.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public MigrationDryRunTableTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Lists_where_each_dossier_stands_and_lands_and_apart_the_ones_that_cannot_move_with_why()
    {
        var dryRun = new MigrationDryRun("1.009994", 1, 2, new Dictionary<string, string> { ["review"] = "appraise" }, 3, 2, 1,
            [
                new MovableDossier(Guid.NewGuid(), "000.00.00.H00-260302-0001", ["receive"], [new NodeMove("receive", "receive")]),
                new MovableDossier(Guid.NewGuid(), "000.00.00.H00-260302-0002", ["review"], [new NodeMove("review", "appraise")]),
            ],
            [new BlockedDossier(Guid.NewGuid(), "000.00.00.H00-260302-0003", ["sign"], [new MigrationBlocker("sign", "Instance is at 'sign', which version 2 removed; map it to a node of the new version.")])],
            Truncated: false);

        var table = Render<MigrationDryRunTable>(p => p.Add(t => t.DryRun, dryRun));

        Assert.Contains("3 hồ sơ đang xử lý: 2 sẽ được di chuyển, 1 không thể di chuyển.", table.Find("[data-testid=dry-run-summary]").TextContent, StringComparison.Ordinal);
        var rows = table.FindAll("[data-testid=moves] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["000.00.00.H00-260302-0002", "review", "review → appraise"], rows[1].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        var blocked = table.Find("[data-testid=cannot-move]").TextContent;
        Assert.Contains("000.00.00.H00-260302-0003", blocked, StringComparison.Ordinal);
        Assert.Contains("which version 2 removed", blocked, StringComparison.Ordinal);
        Assert.DoesNotContain("000.00.00.H00-260302-0003", table.Find("[data-testid=moves]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_steps_where_dossiers_stand_and_land_as_each_version_calls_them()
    {
        var dryRun = new MigrationDryRun("1.009994", 1, 2, new Dictionary<string, string> { ["review"] = "appraise" }, 3, 2, 1,
            [
                new MovableDossier(Guid.NewGuid(), "000.00.00.H00-260302-0001", ["intake"], [new NodeMove("intake", "intake")]),
                new MovableDossier(Guid.NewGuid(), "000.00.00.H00-260302-0002", ["review"], [new NodeMove("review", "appraise")]),
            ],
            [new BlockedDossier(Guid.NewGuid(), "000.00.00.H00-260302-0003", ["sign"], [new MigrationBlocker("sign", "Instance is at 'sign', which version 2 removed.")])],
            Truncated: false);
        var from = new Dictionary<string, string> { ["intake"] = "Tiếp nhận hồ sơ", ["review"] = "Thẩm định hồ sơ", ["sign"] = "Lãnh đạo ký" };
        var to = new Dictionary<string, string> { ["intake"] = "Tiếp nhận, kiểm tra hồ sơ", ["appraise"] = "Thẩm định hồ sơ, dự thảo giấy phép" };

        var table = Render<MigrationDryRunTable>(p => p.Add(t => t.DryRun, dryRun).Add(t => t.FromNames, from).Add(t => t.ToNames, to));

        var rows = table.FindAll("[data-testid=moves] tbody tr");
        Assert.Equal(["000.00.00.H00-260302-0001", "Tiếp nhận hồ sơ", "Tiếp nhận, kiểm tra hồ sơ"], rows[0].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        Assert.Equal(["000.00.00.H00-260302-0002", "Thẩm định hồ sơ", "Thẩm định hồ sơ → Thẩm định hồ sơ, dự thảo giấy phép"], rows[1].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        Assert.Contains("Lãnh đạo ký", table.Find("[data-testid=cannot-move]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dossier_that_cannot_move_says_why_in_the_page_language_with_the_steps_names()
    {
        var blocker = new MigrationBlocker("sign", "Instance 1 is at 'sign', which version 2 removed; map it to a node of the new version.",
            "migrationNodeRemoved", new Dictionary<string, string> { ["node"] = "sign", ["toVersion"] = "2" });
        var dryRun = new MigrationDryRun("1.009994", 1, 2, new Dictionary<string, string>(), 1, 0, 1, [],
            [new BlockedDossier(Guid.NewGuid(), "000.00.00.H00-260302-0003", ["sign"], [blocker])], Truncated: false);
        var from = new Dictionary<string, string> { ["sign"] = "Lãnh đạo ký giấy phép" };

        var before = CultureInfo.CurrentUICulture;
        string vietnamese, english;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("vi-VN");
            vietnamese = Render<MigrationDryRunTable>(p => p.Add(t => t.DryRun, dryRun).Add(t => t.FromNames, from)).Find(".blocker").TextContent;
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            english = Render<MigrationDryRunTable>(p => p.Add(t => t.DryRun, dryRun).Add(t => t.FromNames, from)).Find(".blocker").TextContent;
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }

        Assert.Equal("Hồ sơ đang ở bước “Lãnh đạo ký giấy phép”, bước này không còn trong phiên bản 2; hãy chọn bước mới cho nó trong bảng ánh xạ.", vietnamese);
        Assert.Equal("The dossier is at “Lãnh đạo ký giấy phép”, which version 2 removed; choose its new step in the map.", english);
    }
}
