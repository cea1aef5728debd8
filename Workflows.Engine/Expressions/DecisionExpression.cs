using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Parser;
using Jint.Runtime;
using JsEngine = Jint.Engine;
using JsProgram = Jint.Parser.Ast.Program;

namespace Workflows.Engine.Expressions;

/// <summary>Limits that keep a designer's expression from hurting the engine.</summary>
public sealed class ExpressionLimits
{
    /// <summary>Wall-clock budget for one evaluation. Default 100 ms: decisions are one-liners.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Statements one evaluation may run. Default 10,000.</summary>
    public int MaxStatements { get; init; } = 10_000;

    /// <summary>Call depth. Default 64.</summary>
    public int MaxRecursion { get; init; } = 64;

    public static ExpressionLimits Default { get; } = new();
}

/// <summary>
/// A decision expression, parsed once per definition version and evaluated in a sandbox: ES5 only, no CLR
/// access (Jint's default), a statement limit and a timeout. The dossier data is visible as <c>data</c>.
/// </summary>
public sealed class DecisionExpression
{
    private readonly JsProgram program;
    private readonly ExpressionLimits limits;

    // Jint engines are not thread-safe but are costly to create; each evaluation borrows one.
    private readonly ConcurrentBag<JsEngine> pool = [];

    private DecisionExpression(string source, JsProgram program, ExpressionLimits limits)
    {
        Source = source;
        this.program = program;
        this.limits = limits;
    }

    public string Source { get; }

    /// <summary>Parses an expression; returns null and a designer-readable error when it does not compile.</summary>
    public static DecisionExpression? TryCompile(string source, ExpressionLimits? limits, out string? error)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            error = "The expression is empty.";
            return null;
        }

        try
        {
            // Parenthesised so an object literal or a bare expression is read as a value, not a block.
            var program = new JavaScriptParser().Parse("(" + source + "\n)");
            error = null;
            return new DecisionExpression(source, program, limits ?? ExpressionLimits.Default);
        }
        catch (ParserException ex)
        {
            // Positions are shifted by the wrapping parenthesis; an error on the wrapper's line means the
            // expression stopped early (e.g. "data.fee >").
            var where = ex.LineNumber > source.Count(c => c == '\n') + 1
                ? "at the end of the expression"
                : $"at line {ex.LineNumber}, column {Math.Max(1, ex.LineNumber == 1 ? ex.Column - 1 : ex.Column)}";
            error = $"The expression does not compile: {ex.Description} ({where}).";
            return null;
        }
    }

    /// <summary>
    /// Evaluates against the dossier data. Returns the outcome name: a string result as is, a boolean as
    /// "true"/"false". Throws <see cref="ExpressionException"/> on any failure, including the time limit.
    /// </summary>
    public string Evaluate(JsonObject data)
    {
        var engine = Rent();
        try
        {
            engine.SetValue("data", new JsonParser(engine).Parse(data.ToJsonString()));
            var value = engine.Execute(program).GetCompletionValue();
            return ToOutcome(value);
        }
        catch (TimeoutException)
        {
            throw new ExpressionException($"The expression ran longer than {limits.Timeout.TotalMilliseconds:0} ms and was stopped.");
        }
        catch (StatementsCountOverflowException)
        {
            throw new ExpressionException($"The expression ran more than {limits.MaxStatements} statements and was stopped.");
        }
        catch (RecursionDepthOverflowException)
        {
            throw new ExpressionException("The expression recursed too deeply and was stopped.");
        }
        catch (JavaScriptException ex)
        {
            throw new ExpressionException($"The expression failed: {ex.Message}");
        }
        finally
        {
            pool.Add(engine);
        }
    }

    private JsEngine Rent() => pool.TryTake(out var engine)
        ? engine
        : new JsEngine(options => options
            .TimeoutInterval(limits.Timeout)
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.MaxRecursion)
            .Strict());

    private static string ToOutcome(JsValue value)
    {
        if (value.IsBoolean())
        {
            return value.AsBoolean() ? "true" : "false";
        }

        if (value.IsString())
        {
            return value.AsString();
        }

        throw new ExpressionException($"The expression must give an outcome name or true/false, but gave {TypeName(value)}.");
    }

    private static string TypeName(JsValue value) =>
        value.IsUndefined() ? "undefined" :
        value.IsNull() ? "null" :
        value.IsNumber() ? "a number" :
        "an object";
}

/// <summary>An expression failed at run time; the engine faults the instance with this message.</summary>
public sealed class ExpressionException(string message) : Exception(message);
