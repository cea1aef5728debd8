using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Access;
using Workflows.Host.Dossiers;
using Workflows.Host.Definitions;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Intake;

/// <summary>/api/intake: intake systems hand dossiers over, send signals, withdraw, and read status.</summary>
internal static class IntakeApi
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IntakeOptions>(configuration, IntakeOptions.Section);
        services.AddScoped<IntakeService>();
        return services;
    }

    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/intake").WithTags("Intake").RequireAuthorization(Policies.Intake);
        api.MapPost("/dossiers", Create).Accepts<JsonObject>("application/json")
            .Produces<IntakeDossierDto>(StatusCodes.Status201Created).Produces<IntakeDossierDto>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Receive a dossier (idempotent on externalCode): 201 new, 200 retry, 409 same code with other content");
        api.MapGet("/dossiers/{externalCode}", Get).Produces<IntakeDossierDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Status of one of this intake system's dossiers");
        api.MapPost("/dossiers/{externalCode}/signals", Signal).Accepts<JsonObject>("application/json").Produces<IntakeDossierDto>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Deliver a signal the dossier waits for (taxPaid, supplementReceived, ...)");
        api.MapPost("/dossiers/{externalCode}/withdraw", Withdraw).Accepts<JsonObject>("application/json").Produces<IntakeDossierDto>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The applicant withdraws the dossier");
        return app;
    }

    public static string Location(string externalCode) => $"/api/intake/dossiers/{Uri.EscapeDataString(externalCode)}";

    private static async Task<IResult> Create(
        HttpContext context, IntakeService intake, ReceptionPointDirectory receptionPoints, IOptions<IntakeOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(context.Request, options.Value.MaxPayloadBytes, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = IntakeReader.Read(body!, time.GetUtcNow(), errors, receptionPoints.Accepts);
        return input is null
            ? TypedResults.ValidationProblem(errors)
            : await intake.CreateAsync(context.User.Name(), input, cancellationToken);
    }

    private static async Task<IResult> Get(string externalCode, HttpContext context, IntakeService intake, WorkingCalendar calendar, CancellationToken cancellationToken) =>
        await intake.FindAsync(context.User.Name(), externalCode, cancellationToken) is { } row
            ? TypedResults.Ok(IntakeDossierDto.From(row, calendar.UtcOffset))
            : NotFound(externalCode);

    private static async Task<IResult> Signal(
        string externalCode, HttpContext context, IntakeService intake, ChangesetStore store, WorkflowRunner runner,
        IOptions<IntakeOptions> options, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(context.Request, options.Value.MaxPayloadBytes, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var signal = body!["signal"] is JsonValue s && s.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(s.GetValue<string>())
            ? s.GetValue<string>().Trim()
            : null;
        if (signal is null)
        {
            errors["signal"] = ["The signal name (a string, e.g. taxPaid or supplementReceived) is required."];
        }

        var data = body["data"] switch
        {
            null => null,
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => null,
        };
        if (body["data"] is not null and not JsonObject)
        {
            errors["data"] = ["An object whose fields are merged into the dossier data."];
        }

        var note = NoteOf(body, "note", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var client = context.User.Name();
        if (await FindWithInstanceAsync(client, externalCode, intake, store, cancellationToken) is not ({ } row, var instance))
        {
            return NotFound(externalCode);
        }

        var bookmark = instance?.Bookmarks
            .Where(b => b.Kind is BookmarkKind.Signal or BookmarkKind.Supplement && b.Key == signal)
            .OrderBy(b => b.CreatedAt)
            .FirstOrDefault();
        if (instance is null || bookmark is null)
        {
            return Conflict("Nothing waits for this signal", $"Dossier {row.Code} is not waiting for '{signal}'.");
        }

        var result = await runner.ResumeAsync(instance, new ResumeRequest { BookmarkId = bookmark.Id, Data = data, Actor = client, Note = note }, cancellationToken);
        if (!result.Accepted)
        {
            return Conflict("The signal was not accepted", result.Rejection!.Message);
        }

        return TypedResults.Ok(IntakeDossierDto.From((await intake.FindAsync(client, externalCode, cancellationToken))!, calendar.UtcOffset));
    }

    private static async Task<IResult> Withdraw(
        string externalCode, HttpContext context, IntakeService intake, ChangesetStore store, WorkflowRunner runner,
        IOptions<IntakeOptions> options, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(context.Request, options.Value.MaxPayloadBytes, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reason = NoteOf(body!, "reason", errors);
        if (reason is null && !errors.ContainsKey("reason"))
        {
            errors["reason"] = ["Why the applicant withdraws (required)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var client = context.User.Name();
        if (await FindWithInstanceAsync(client, externalCode, intake, store, cancellationToken) is not (_, { } instance))
        {
            return NotFound(externalCode);
        }

        var result = await runner.TerminateAsync(instance, new TerminateRequest { Result = EndResult.Withdrawn, Actor = client, Reason = reason }, cancellationToken);
        if (!result.Accepted)
        {
            return Conflict("The dossier cannot be withdrawn", result.Rejection!.Message);
        }

        return TypedResults.Ok(IntakeDossierDto.From((await intake.FindAsync(client, externalCode, cancellationToken))!, calendar.UtcOffset));
    }

    // The caller's dossier by its external code, with its workflow instance (null if it has none); null if the caller
    // has no dossier by that code (another intake system's dossier is not found either).
    private static async Task<(DossierRow Row, WorkflowInstance? Instance)?> FindWithInstanceAsync(
        string client, string externalCode, IntakeService intake, ChangesetStore store, CancellationToken cancellationToken)
    {
        var row = await intake.FindAsync(client, externalCode, cancellationToken);
        return row is null ? null : (row, await store.LoadInstanceAsync(row.Id, cancellationToken));
    }

    private static string? NoteOf(JsonObject body, string field, Dictionary<string, string[]> errors)
    {
        switch (body[field])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length <= ColumnSizes.Note:
                return string.IsNullOrWhiteSpace(v.GetValue<string>()) ? null : v.GetValue<string>().Trim();
            default:
                errors[field] = [$"A string of at most {ColumnSizes.Note} characters."];
                return null;
        }
    }

    /// <summary>
    /// The body as a JSON object, read by hand: over <paramref name="maxBytes"/> → 413, not JSON → 400
    /// ProblemDetails, not an object → 400. Nothing is bound by the framework, so no error is generic.
    /// </summary>
    internal static async Task<(JsonObject? Body, IResult? Error)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Malformed JSON",
                Detail = ex.Message,
                Extensions = { ["path"] = ex.Path },
            }));
        }

        return node is JsonObject body
            ? (body, null)
            : (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON", detail: "The body must be a JSON object."));
    }

    private static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload too large",
        detail: $"The request body is limited to {maxBytes} bytes (Intake:MaxPayloadBytes).");

    private static ProblemHttpResult NotFound(string externalCode) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Dossier not found",
        detail: $"This intake system has no dossier {externalCode}.");

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
