using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Runtime;
using Workflows.Engine.Versions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Dossiers;
using Workflows.Host.Observability;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Intake;

/// <summary>
/// Receives a dossier from an intake system: picks the procedure version in force on the day received,
/// computes the appointment, numbers the dossier and starts its workflow. The dossier row, its sequence number
/// and the workflow start are one transaction. Retries (same intake system and externalCode) are idempotent.
/// </summary>
internal sealed class IntakeService(
    WorkflowsDbContext db,
    WorkflowRunner runner,
    DefinitionRegistry registry,
    WorkingCalendar calendar,
    CutOffRule cutOff,
    IOptions<IntakeOptions> options,
    TimeProvider time,
    HostTelemetry telemetry,
    ILogger<IntakeService> logger)
{
    public Task<DossierRow?> FindAsync(string client, string externalCode, CancellationToken cancellationToken) =>
        db.Dossiers.AsNoTracking().SingleOrDefaultAsync(d => d.IntakeClient == client && d.ExternalCode == externalCode, cancellationToken);

    public async Task<IResult> CreateAsync(string client, IntakeInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        // One pooled connection for the whole request (closed when the scope's context is disposed): every reopen
        // would rent it again and make Npgsql reset its session state, one more statement for PostgreSQL.
        await db.Database.OpenConnectionAsync(cancellationToken);
        // A retry is recognised by the commit itself (the unique index on the intake system's code; on SQLite a look
        // inside the transaction), so a new dossier pays no lookup round trip. Refusals look for a retry first: a dossier
        // received earlier is answered as received even if its procedure version is no longer in force.
        var day = DateOnly.FromDateTime(input.ReceivedAt.ToOffset(calendar.UtcOffset).DateTime);
        if (registry.VersionsOf(input.ProcedureCode).Count == 0)
        {
            return await ReplayOrAsync(client, input, Unprocessable("Unknown procedure", "procedureCode", $"No procedure {input.ProcedureCode} is published."), cancellationToken);
        }

        var definition = registry.Resolve(input.ProcedureCode, day);
        if (definition is null)
        {
            return await ReplayOrAsync(client, input, Unprocessable("Procedure not in force", "procedureCode", $"No version of procedure {input.ProcedureCode} is in force on {day:yyyy-MM-dd}, the day received."), cancellationToken);
        }

        if (definition.Channels.Count > 0 && !definition.Channels.Contains(input.Channel))
        {
            return await ReplayOrAsync(client, input, Unprocessable("Channel not offered", "channel", $"Procedure {definition.Code} is not offered through this channel."), cancellationToken);
        }

        Appointment appointment;
        try
        {
            appointment = AppointmentCalculator.Compute(definition, input.Channel, input.ReceivedAt, calendar, cutOff);
        }
        catch (CalendarRangeException e)
        {
            return await ReplayOrAsync(client, input, CannotCount(definition.Code, definition.Version, e), cancellationToken);
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var agency = options.Value.AgencyCode;
        var channelName = RowMapping.Name(input.Channel);
        var data = (JsonObject)input.FormData.DeepClone();
        data["applicant"] = new JsonObject
        {
            ["name"] = input.Applicant.Name,
            ["idNumber"] = input.Applicant.IdNumber,
            ["phone"] = input.Applicant.Phone,
            ["email"] = input.Applicant.Email,
            ["address"] = input.Applicant.Address,
        };
        data["dossier"] = new JsonObject
        {
            ["code"] = null,
            ["externalCode"] = input.ExternalCode,
            ["channel"] = channelName,
            ["receptionPoint"] = input.ReceptionPoint,
            ["returnPoint"] = input.ReturnPoint,
            ["receivedAt"] = input.ReceivedAt,
        };

        var row = new DossierRow
        {
            Id = id,
            // Numbered in the commit (DossierNumbering).
            Code = DossierCodes.Placeholder(id),
            IntakeClient = client,
            ExternalCode = input.ExternalCode,
            PayloadHash = input.PayloadHash,
            ProcedureCode = definition.Code,
            ProcedureVersion = definition.Version,
            ProcedureName = definition.Name,
            ApplicantName = input.Applicant.Name,
            ApplicantIdNumber = input.Applicant.IdNumber,
            ApplicantPhone = input.Applicant.Phone,
            ApplicantEmail = input.Applicant.Email,
            ApplicantAddress = input.Applicant.Address,
            Channel = channelName,
            ReceptionPoint = input.ReceptionPoint,
            ReturnPoint = input.ReturnPoint,
            ReceivedAt = input.ReceivedAt,
            CountingFrom = appointment.CountingFrom,
            OriginalDueAt = appointment.Due,
            DueAt = appointment.Due,
            // The projection moves it to "received" (or further) in the same transaction, with a statusChanged message.
            Status = DossierStatus.Submitted,
            Documents = JsonSerializer.Serialize(input.Documents, JsonSerializerOptions.Web),
            DocumentCount = input.Documents.Count,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var numbering = new DossierNumbering(agency, day, id, client, input.ExternalCode);
        try
        {
            var started = await runner.StartAsync(
                definition,
                // The first task opens when the dossier was received (its due time is counted in working time, so a
                // receipt outside working hours counts from the next session); the appointment uses CountingFrom.
                new StartRequest { InstanceId = id, StartedAt = input.ReceivedAt, Data = data, Actor = client },
                (context, _) =>
                {
                    context.Dossiers.Add(row);
                    return Task.CompletedTask;
                },
                // Takes the day's number in the commit: its counter stays row-locked until the commit.
                numbering,
                cancellationToken);
            row.Code = numbering.Code!;
            started.Changeset!.Instance.Data["dossier"]!["code"] = row.Code;
        }
        catch (CalendarRangeException e)
        {
            // A step's due time the calendar cannot count: nothing was committed.
            return CannotCount(definition.Code, definition.Version, e);
        }
        catch (Exception e) when (e is AlreadyReceivedException || DatabaseErrors.IsUniqueViolation(e) || DatabaseErrors.IsTransientConflict(e))
        {
            // A retry (the commit rolled back, its number with it), or a concurrent request with the same externalCode
            // that committed first (unique index), or one that the database picked as a deadlock's victim against such a
            // request: answer with the dossier received before (a victim with no such dossier is rethrown).
            if (await FindAsync(client, input.ExternalCode, CancellationToken.None) is { } received)
            {
                return Replay(received, input);
            }

            throw;
        }

        // The committed row is the one in hand (the projection set its status in the same transaction): no need to
        // read it back. Instants are stored to the microsecond, so answer with what a read would return.
        var created = row;
        created.ReceivedAt = Stored(created.ReceivedAt);
        created.DueAt = Stored(created.DueAt);
        created.OriginalDueAt = Stored(created.OriginalDueAt);
        created.CompletedAt = created.CompletedAt is { } completedAt ? Stored(completedAt) : null;
        logger.DossierReceived(created.Code, created.Id, created.ProcedureCode, created.ProcedureVersion, client, created.ExternalCode);
        telemetry.DossierReceived(created.ProcedureCode, created.Channel);
        return TypedResults.Created(IntakeApi.Location(created.ExternalCode), IntakeDossierDto.From(created, calendar.UtcOffset));
    }

    private static DateTimeOffset Stored(DateTimeOffset instant) => StoredValues.Instant(instant);

    private async Task<IResult> ReplayOrAsync(string client, IntakeInput input, IResult refusal, CancellationToken cancellationToken) =>
        await FindAsync(client, input.ExternalCode, cancellationToken) is { } existing ? Replay(existing, input) : refusal;

    private IResult Replay(DossierRow existing, IntakeInput input) =>
        existing.PayloadHash == input.PayloadHash
            ? TypedResults.Ok(IntakeDossierDto.From(existing, calendar.UtcOffset))
            : TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "externalCode already used",
                Detail = $"Dossier {existing.ExternalCode} was already received (as {existing.Code}) with different content; send a new externalCode for a new dossier.",
                Extensions = { ["dossierCode"] = existing.Code, ["externalCode"] = existing.ExternalCode },
            });

    /// <summary>
    /// 422 the intake system can act on: the dossier cannot be received on this procedure version until the centre
    /// corrects its time limits or the calendar; the same request can be sent again later.
    /// </summary>
    private static ProblemHttpResult CannotCount(string code, int version, CalendarRangeException e) =>
        Unprocessable(
            "The appointment cannot be computed",
            "procedureCode",
            $"Procedure {code} v{version} has a time limit the working calendar cannot count ({e.Message}); the centre must correct the procedure before it receives dossiers.");

    private static ProblemHttpResult Unprocessable(string title, string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = title,
            Detail = message,
        });
}
