using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using JsEngine = Jint.Engine;

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

    /// <summary>Bytes one evaluation may allocate, the dossier data included. Default 32 MB.</summary>
    public long MaxMemoryBytes { get; init; } = 32_000_000;

    /// <summary>Largest array an evaluation may create. Default 100,000 elements.</summary>
    public uint MaxArraySize { get; init; } = 100_000;

    public static ExpressionLimits Default { get; } = new();
}

/// <summary>
/// A decision expression, parsed once per definition version and evaluated in a sandbox: no CLR access
/// (Jint's default), strict mode, and limits on time, statements, recursion, memory and array size. Jint 4
/// checks these inside its built-ins too (Array.prototype.join, String.prototype.repeat, ...), not only
/// between statements, so a single heavy call is stopped; regular expressions get the same time budget.
/// The dossier data is visible as <c>data</c>.
/// </summary>
public sealed class DecisionExpression
{
    private readonly Prepared<Script> program;
    private readonly ExpressionLimits limits;

    private DecisionExpression(string source, Prepared<Script> program, ExpressionLimits limits)
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
            var program = JsEngine.PrepareScript("(" + source + "\n)", strict: true);
            error = null;
            return new DecisionExpression(source, program, limits ?? ExpressionLimits.Default);
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            // Acornima's columns count from 0; on the first line the wrapping parenthesis shifts them by one, so the
            // 0-based column there is the 1-based column in the designer's text. An error on the wrapper's line
            // means the expression stopped early (e.g. "data.fee >").
            var where = parse.LineNumber > source.Count(c => c == '\n') + 1
                ? "at the end of the expression"
                : $"at line {parse.LineNumber}, column {Math.Max(1, parse.LineNumber == 1 ? parse.Column : parse.Column + 1)}";
            error = $"The expression does not compile: {parse.Description} ({where}).";
            return null;
        }
    }

    /// <summary>
    /// Evaluates against the dossier data. Returns the outcome name: a string result as is, a boolean as
    /// "true"/"false". Throws <see cref="ExpressionException"/> on any failure, including a limit; its message
    /// names the kind of failure and never a value, so no personal data reaches the journal. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> stops it (the Host
    /// shutting down, the request aborted): that is not the dossier's fault, so nothing is recorded.
    /// </summary>
    public string Evaluate(JsonObject data, CancellationToken cancellationToken = default)
    {
        // A fresh engine per evaluation (about 10 µs): limits and cancellation are per evaluation, and an
        // expression that assigns to a global cannot leak into the next dossier's decision.
        var engine = new JsEngine(options => options
            .TimeoutInterval(limits.Timeout)
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.MaxRecursion)
            .LimitMemory(limits.MaxMemoryBytes)
            .MaxArraySize(limits.MaxArraySize)
            .RegexTimeoutInterval(limits.Timeout)
            .CancellationToken(cancellationToken)
            .Strict());
        try
        {
            engine.SetValue("data", new JsonParser(engine).Parse(data.ToJsonString()));
            return ToOutcome(engine.Evaluate(program));
        }
        catch (ExecutionCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The evaluation was cancelled.", cancellationToken);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ExpressionException($"A regular expression in the expression ran longer than {limits.Timeout.TotalMilliseconds:0} ms and was stopped.", limitReached: true);
        }
        catch (TimeoutException)
        {
            throw new ExpressionException($"The expression ran longer than {limits.Timeout.TotalMilliseconds:0} ms and was stopped.", limitReached: true);
        }
        catch (StatementsCountOverflowException)
        {
            throw new ExpressionException($"The expression ran more than {limits.MaxStatements} statements and was stopped.", limitReached: true);
        }
        catch (RecursionDepthOverflowException)
        {
            throw new ExpressionException("The expression recursed too deeply and was stopped.", limitReached: true);
        }
        catch (MemoryLimitExceededException)
        {
            throw new ExpressionException($"The expression used more memory than allowed ({limits.MaxMemoryBytes / 1_000_000} MB, arrays up to {limits.MaxArraySize} elements) and was stopped.", limitReached: true);
        }
        catch (JavaScriptException ex)
        {
            // The message of a script error may quote the data (a thrown JSON.stringify(data), a property read
            // with a value as its name): keep only the error's kind.
            throw new ExpressionException($"The expression failed with {KindOf(ex.Error)}.");
        }
        catch (JintException ex)
        {
            throw new ExpressionException($"The expression failed ({ex.GetType().Name}).");
        }
    }

    /// <summary>
    /// Evaluates once without dossier data (<c>{}</c>). A limit reached then is reached whatever the dossier, so the
    /// validator refuses the expression before it is published; returns why, or null. Other failures (reading a
    /// field that only a dossier has) say nothing about the expression's cost and are not reported.
    /// </summary>
    public string? LimitReachedWithoutData()
    {
        try
        {
            Evaluate([]);
            return null;
        }
        catch (ExpressionException ex) when (ex.LimitReached)
        {
            return ex.Message;
        }
        catch (ExpressionException)
        {
            return null;
        }
    }

    private static string KindOf(JsValue error)
    {
        if (error is Jint.Native.Object.ObjectInstance thrown && thrown.Get("name") is { } name && name.IsString()
            && name.AsString() is { Length: > 0 and <= 40 } kind && kind.All(char.IsAsciiLetter))
        {
            return "a " + kind;
        }

        return "a thrown value that is not an Error";
    }

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
public sealed class ExpressionException(string message, bool limitReached = false) : Exception(message)
{
    /// <summary>Stopped by a limit (time, statements, recursion, memory), not by an error of the script.</summary>
    public bool LimitReached { get; } = limitReached;
}
