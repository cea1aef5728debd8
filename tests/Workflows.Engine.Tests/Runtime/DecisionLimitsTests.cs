using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflows.Engine.Expressions;

namespace Workflows.Engine.Tests.Runtime;

/// <summary>A decision is bounded in time and memory whatever built-in it calls, and can be cancelled.</summary>
public class DecisionLimitsTests
{
    private static readonly JsonObject Data = new()
    {
        ["applicant"] = new JsonObject { ["name"] = "Nguyễn Văn An", ["idNumber"] = "001085012345" },
        ["floorArea"] = 120,
    };

    [Theory]
    [InlineData("new Array(200000).join('ab').length > 0 ? 'a' : 'b'")]
    [InlineData("new Array(1000000).join('ab').length > 0 ? 'a' : 'b'")]
    [InlineData("'ab'.repeat(100000000).length > 0")]
    [InlineData("'ab'.padEnd(100000000, 'x').length > 0")]
    [InlineData("Array.from({ length: 100000000 }).length > 0")]
    [InlineData("JSON.stringify(new Array(10000000)).length > 0")]
    [InlineData("/(a+)+b/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac')")]
    [InlineData("(function () { var s = 'x'; for (;;) { s = s + s; } })()")]
    [InlineData("(function f() { return f() + 1; })()")]
    public void A_heavy_builtin_call_is_stopped_within_half_a_second(string source)
    {
        var expression = DecisionExpression.TryCompile(source, null, out var error);
        Assert.Null(error);

        var watch = Stopwatch.StartNew();
        var failure = Assert.Throws<ExpressionException>(() => expression!.Evaluate(Data));
        watch.Stop();

        // Far below "never stopped" yet not a stopwatch race on a loaded 2-core machine (CI runs the suites side by side).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"'{source}' ran {watch.Elapsed.TotalMilliseconds:0} ms before it was stopped.");
        Assert.Matches("longer than|memory|statements|recursed|RangeError", failure.Message);
    }

    [Fact]
    public void A_cancelled_evaluation_stops_without_blaming_the_expression()
    {
        var expression = DecisionExpression.TryCompile("(function () { for (;;) {} })()", new ExpressionLimits { Timeout = TimeSpan.FromMinutes(5), MaxStatements = int.MaxValue }, out _)!;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => expression.Evaluate(Data, cancellation.Token));

        // The script's own limit is 5 minutes: stopping within 30 s can only be the cancellation, whatever the load.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"Cancelled after {watch.Elapsed.TotalMilliseconds:0} ms.");
    }

    [Theory]
    [InlineData("(function () { throw new Error(JSON.stringify(data)); })()", "a Error")]
    [InlineData("null[data.applicant.name]", "a TypeError")]
    [InlineData("(function () { throw data.applicant.idNumber; })()", "a thrown value that is not an Error")]
    [InlineData("JSON.parse(data.applicant.name)", "a SyntaxError")]
    public void A_script_error_names_its_kind_and_never_the_data(string source, string kind)
    {
        var expression = DecisionExpression.TryCompile(source, null, out _)!;

        var failure = Assert.Throws<ExpressionException>(() => expression.Evaluate(Data));

        Assert.Equal($"The expression failed with {kind}.", failure.Message);
        Assert.DoesNotContain("Nguyễn", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("001085012345", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expression_cannot_leave_a_global_behind_for_the_next_dossier()
    {
        var expression = DecisionExpression.TryCompile("this.seen ? 'again' : (this.seen = true, 'first')", null, out _)!;

        Assert.Equal("first", expression.Evaluate(Data));
        Assert.Equal("first", expression.Evaluate(Data));
    }
}
