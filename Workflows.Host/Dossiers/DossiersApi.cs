using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Access;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;
using Workflows.Host.Runtime;

namespace Workflows.Host.Dossiers;

internal sealed record UnitDto(string Id, string Name);

internal sealed record ApplicantDto(string Name, string? IdNumber, string? Phone, string? Email, string? Address);

internal sealed record ProcedureRefDto(string Code, int Version, string Name);

internal sealed record CurrentStepDto(Guid TaskId, string NodeId, string? StepName, UnitDto Department, DateTimeOffset OpenedAt, DateTimeOffset DueAt, string Sla, string? ClaimedBy);

internal sealed record DossierDto(
    string Code,
    string ExternalCode,
    string IntakeClient,
    int Status,
    string StatusName,
    string StatusNameEn,
    ProcedureRefDto Procedure,
    ApplicantDto Applicant,
    string Channel,
    string ReceptionPoint,
    DateTimeOffset ReceivedAt,
    DateTimeOffset CountingFrom,
    DateTimeOffset DueAt,
    DateTimeOffset OriginalDueAt,
    string Sla,
    string? Result,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ResultReturnedAt,
    JsonNode? Documents,
    IReadOnlyList<CurrentStepDto> CurrentSteps,
    DossierFaultDto? Fault)
{
    /// <summary>The receiving point's name (reception-points.json, else departments.json, else its code).</summary>
    public string? ReceptionPointName { get; init; }

    /// <summary>Where the result is returned when not at the receiving point (location-independent service); else null.</summary>
    public PlaceDto? ReturnPoint { get; init; }
}

/// <summary>A reception point as a dossier names it: code, name and address (null when the directory lists none).</summary>
internal sealed record PlaceDto(string Code, string Name, string? Address);

/// <summary>
/// The workflow stopped with an error at <see cref="NodeId"/>: the dossier waits for an administrator to retry or
/// stop it (/api/runtime/faulted). <see cref="Message"/> is for the desk; <see cref="Reason"/> names the kind of failure.
/// </summary>
internal sealed record DossierFaultDto(string NodeId, string Reason, DateTimeOffset At, string Message);

internal sealed record DossierSummaryDto(
    string Code, string ExternalCode, string ProcedureCode, string ProcedureName, string ApplicantName, string Channel,
    DateTimeOffset ReceivedAt, DateTimeOffset DueAt, int Status, string StatusName, string StatusNameEn, string Sla, string? Result);

/// <summary>One handover on the control slip (phiếu kiểm soát quá trình giải quyết hồ sơ, form 06).</summary>
internal sealed record HandoverDto(
    int Number,
    Guid? TaskId,
    string? NodeId,
    string? StepName,
    UnitDto GivingUnit,
    UnitDto ReceivingUnit,
    string State,
    string? Outcome,
    string? CompletedBy,
    string? Note,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? DueAt,
    TimeLimit? AllottedTime,
    long ActualWorkingMinutes,
    decimal ActualWorkingDays,
    decimal ActualWorkingHours,
    string Sla)
{
    /// <summary><c>step</c> (a task), <c>supplement</c> (the dossier with the applicant) or <c>resultReturned</c>.</summary>
    public string Kind { get; init; } = HandoverKinds.Step;

    /// <summary>After parallel branches: every branch that handed the dossier over, with when; else null (see GivingUnit).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HandoverGiverDto>? GivingUnits { get; init; }
}

/// <summary>One unit that handed a dossier over to a step, and when (a parallel branch's end).</summary>
internal sealed record HandoverGiverDto(UnitDto Unit, DateTimeOffset HandedOverAt, string? By);

internal sealed record TimelineEventDto(long Sequence, DateTimeOffset At, string Kind, string? NodeId, string? NodeName, string? Outcome, string? Actor, string? Note, string? Detail);

internal sealed record TimelineDto(string Code, string Status, IReadOnlyList<HandoverDto> Handovers, IReadOnlyList<TimelineEventDto> Events)
{
    /// <summary>Where the dossier was received.</summary>
    public PlaceDto? ReceptionPoint { get; init; }

    /// <summary>Where the result is returned when not at the receiving point; else null.</summary>
    public PlaceDto? ReturnPoint { get; init; }
}

/// <summary>
/// /api/dossiers: what the centre's staff read about dossiers. Officers see only dossiers that have (or had) a
/// task in one of their departments; designers and administrators see all.
/// </summary>
internal static class DossiersApi
{
    public static IServiceCollection AddDossiers(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(OneStopDeskRequirement.Policy, OneStopDeskRequirement.Add);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, OneStopDeskHandler>();
        services.AddSingleton<DossierProjection>();
        services.AddSingleton<IChangesetProjection>(p => p.GetRequiredService<DossierProjection>());
        return services;
    }

    public static IEndpointRouteBuilder MapDossiersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dossiers").WithTags("Dossiers").RequireAuthorization(Policies.Staff);
        api.MapGet("/", Search).WithSummary("Search dossiers by code, applicant, procedure (and version), status, open or ended, department and receipt days");
        api.MapGet("/{code}", Get).WithSummary("A dossier: status, appointment, SLA state, current steps");
        api.MapGet("/{code}/timeline", Timeline).WithSummary("Handovers (control slip, form 06) and journal events");
        api.MapPost("/{code}/result-returned", ResultReturned).RequireAuthorization(OneStopDeskRequirement.Policy)
            .WithSummary("The one-stop desk returned the result to the applicant (status 10)");
        api.MapStopDossier();
        api.MapReturnPoint();
        return app;
    }

    /// <summary>The dossiers <paramref name="user"/> may read (also the documents API's rule).</summary>

    private static async Task<Results<Ok<PageDto<DossierSummaryDto>>, ValidationProblem>> Search(
        HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken,
        string? code = null, string? applicant = null, string? procedure = null, string? status = null, string? department = null,
        string? from = null, string? to = null, string? page = null, string? pageSize = null, int? version = null, bool? open = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pageNumber = Whole(page, "page", 1, 1, InputLimits.MaxPage, errors);
        var size = Whole(pageSize, "pageSize", 20, 1, 200, errors);
        int? statusCode = status is null ? null : Whole(status, "status", 0, 1, 10, errors);
        var fromDay = Day(from, "from", errors);
        var toDay = Day(to, "to", errors);
        if (fromDay is not null && toDay is not null && toDay < fromDay)
        {
            errors["to"] = ["Must not be before 'from'."];
        }

        // A version number belongs to one procedure: the Designer asks how many dossiers a publish leaves on the
        // version in force, which the procedure alone cannot tell once several versions run side by side.
        if (version is < 1)
        {
            errors["version"] = ["A version number from 1."];
        }
        else if (version is not null && string.IsNullOrWhiteSpace(procedure))
        {
            errors["version"] = ["Give 'procedure' with 'version': a version number belongs to one procedure."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = DossierAccess.Visible(db, context.User);
        if (!string.IsNullOrWhiteSpace(applicant))
        {
            var raw = applicant.Trim();
            var term = raw.ToLowerInvariant();
            // ToLower() becomes SQL lower() on both providers (SQLite folds ASCII letters only).
#pragma warning disable CA1304, CA1311, CA1862
            query = query.Where(d => d.ApplicantName.ToLower().Contains(term) || d.ApplicantIdNumber == raw);
#pragma warning restore CA1304, CA1311, CA1862
        }

        if (!string.IsNullOrWhiteSpace(procedure))
        {
            var term = procedure.Trim();
            query = query.Where(d => d.ProcedureCode == term);
        }

        if (version is { } v)
        {
            query = query.Where(d => d.ProcedureVersion == v);
        }

        // Open: still being handled, no result yet (a result ends the dossier whatever its status afterwards).
        if (open is { } isOpen)
        {
            query = isOpen ? query.Where(d => d.Result == null) : query.Where(d => d.Result != null);
        }

        if (statusCode is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        if (!string.IsNullOrWhiteSpace(department))
        {
            var term = department.Trim();
            query = query.Where(d => db.Tasks.Any(t => t.InstanceId == d.Id && t.Department == term));
        }

        if (fromDay is { } f)
        {
            var start = new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), calendar.UtcOffset);
            query = query.Where(d => d.ReceivedAt >= start);
        }

        if (toDay is { } t)
        {
            var end = new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), calendar.UtcOffset);
            query = query.Where(d => d.ReceivedAt < end);
        }

        List<DossierRow> rows;
        if (string.IsNullOrWhiteSpace(code))
        {
            rows = await PageAsync(query, pageNumber, size, cancellationToken);
        }
        else
        {
            (query, rows) = await ByCodeAsync(query, code.Trim(), pageNumber, size, cancellationToken);
        }

        // A page that is not full (an exact code, a rare name) tells the total without counting every match again;
        // only a full page, or an empty one past the first, needs the count.
        var total = rows.Count > 0 && rows.Count < size
            ? (pageNumber - 1) * size + rows.Count
            : pageNumber == 1 && rows.Count == 0 ? 0 : await query.CountAsync(cancellationToken);
        var now = time.GetUtcNow();
        var offset = calendar.UtcOffset;
        var items = rows.Select(d => new DossierSummaryDto(
            d.Code, d.ExternalCode, d.ProcedureCode, d.ProcedureName, d.ApplicantName, d.Channel,
            d.ReceivedAt.ToOffset(offset), d.DueAt.ToOffset(offset), d.Status, DossierStatus.Name(d.Status), DossierStatus.NameEn(d.Status),
            SlaName(Sla.Classify(calendar, d.DueAt, d.CompletedAt, now)), d.Result)).ToList();
        return TypedResults.Ok(new PageDto<DossierSummaryDto>(items, pageNumber, size, total));
    }

    private static Task<List<DossierRow>> PageAsync(IQueryable<DossierRow> query, int pageNumber, int size, CancellationToken cancellationToken) =>
        query.OrderByDescending(d => d.ReceivedAt).ThenBy(d => d.Code)
            .Skip((pageNumber - 1) * size).Take(size).ToListAsync(cancellationToken);

    /// <summary>
    /// The dossiers a code search lists, and the page asked for. A desk officer who types or scans a whole code (ours
    /// or the intake system's) means that dossier: it is found by an index lookup (ux_dossiers_code,
    /// ix_dossiers_external_code) and listed alone, even when the code is also part of longer codes (an agency's
    /// prefix or a longer sequence may contain it). Only a term that is no dossier's whole code is searched as a
    /// fragment of our codes (ix_dossiers_code_trgm on PostgreSQL), which at a city's size rechecks every code sharing
    /// the term's prefix: thousands of rows for a lookup the unique index answers at once.
    /// </summary>
    private static async Task<(IQueryable<DossierRow> Matches, List<DossierRow> Page)> ByCodeAsync(
        IQueryable<DossierRow> query, string term, int pageNumber, int size, CancellationToken cancellationToken)
    {
        var exact = query.Where(d => d.Code == term || d.ExternalCode == term);
        var page = await PageAsync(exact, pageNumber, size, cancellationToken);
        // An empty page past the first may still belong to a whole code: only then is it worth asking again.
        if (page.Count > 0 || (pageNumber > 1 && await exact.AnyAsync(cancellationToken)))
        {
            return (exact, page);
        }

        // No dossier has the term as its code or intake code, so the fragment alone decides.
        var fragment = query.Where(d => d.Code.Contains(term));
        return (fragment, await PageAsync(fragment, pageNumber, size, cancellationToken));
    }

    private static async Task<Results<Ok<DossierDto>, ProblemHttpResult>> Get(
        string code, HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, DepartmentDirectory departments,
        ReceptionPointDirectory receptionPoints, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await DossierAccess.Visible(db, context.User).SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            return NotFound(code);
        }

        var now = time.GetUtcNow();
        var offset = calendar.UtcOffset;
        var open = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == row.Id && t.State == TaskStates.Open)
            .OrderBy(t => t.OpenedAt).ThenBy(t => t.NodeId).ToListAsync(cancellationToken);
        var fault = await FaultOfAsync(db, row.Id, cancellationToken);
        var steps = open.Select(t => new CurrentStepDto(
            t.Id, t.NodeId, t.StepName, new UnitDto(t.Department, departments.NameOf(t.Department)),
            t.OpenedAt.ToOffset(offset), t.DueAt.ToOffset(offset), SlaName(Sla.Classify(calendar, t.DueAt, null, now)), t.ClaimedBy)).ToList();
        return TypedResults.Ok(new DossierDto(
            row.Code, row.ExternalCode, row.IntakeClient, row.Status, DossierStatus.Name(row.Status), DossierStatus.NameEn(row.Status),
            new ProcedureRefDto(row.ProcedureCode, row.ProcedureVersion, row.ProcedureName),
            new ApplicantDto(row.ApplicantName, row.ApplicantIdNumber, row.ApplicantPhone, row.ApplicantEmail, row.ApplicantAddress),
            row.Channel, row.ReceptionPoint, row.ReceivedAt.ToOffset(offset), row.CountingFrom.ToOffset(offset),
            row.DueAt.ToOffset(offset), row.OriginalDueAt.ToOffset(offset),
            SlaName(Sla.Classify(calendar, row.DueAt, row.CompletedAt, now)),
            row.Result, row.CompletedAt?.ToOffset(offset), row.ResultReturnedAt?.ToOffset(offset),
            JsonNode.Parse(row.Documents), steps,
            fault is null ? null : new DossierFaultDto(fault.NodeId, fault.Message, fault.At.ToOffset(offset), FaultedMessage))
        {
            ReceptionPointName = Place(row.ReceptionPoint, receptionPoints, departments).Name,
            ReturnPoint = row.ReturnPoint is { } returnPoint ? Place(returnPoint, receptionPoints, departments) : null,
        });
    }

    /// <summary>What the desk reads on a faulted dossier (also in the statusChanged message).</summary>
    internal const string FaultedMessage = "Hồ sơ bị dừng do lỗi quy trình tại bước kiểm tra tự động; quản trị viên đang xử lý.";

    private static async Task<InstanceFault?> FaultOfAsync(WorkflowsDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        var faulted = RowMapping.Name(InstanceStatus.Faulted);
        var json = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId && i.Status == faulted).Select(i => i.Fault).FirstOrDefaultAsync(cancellationToken);
        return RowMapping.Fault(json);
    }

    private static async Task<Results<Ok<TimelineDto>, ProblemHttpResult>> Timeline(
        string code, HttpContext context, WorkflowsDbContext db, DefinitionCatalogue catalogue, WorkingCalendar calendar,
        DepartmentDirectory departments, ReceptionPointDirectory receptionPoints, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await DossierAccess.Visible(db, context.User).SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            return NotFound(code);
        }

        return TypedResults.Ok(await BuildTimelineAsync(row, db, catalogue, calendar, departments, receptionPoints, time.GetUtcNow(), cancellationToken));
    }

    /// <summary>The dossier's handovers (control slip, form 06) and journal events, as of <paramref name="now"/>.</summary>
    /// <param name="journal">The dossier's journal when the caller has already read it (a form's context), else read here.</param>
    internal static async Task<TimelineDto> BuildTimelineAsync(
        DossierRow row, WorkflowsDbContext db, DefinitionCatalogue catalogue, WorkingCalendar calendar,
        DepartmentDirectory departments, ReceptionPointDirectory receptionPoints, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyList<JournalRow>? journal = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(departments);
        ArgumentNullException.ThrowIfNull(receptionPoints);
        var definition = await catalogue.GetPublishedAsync(row.ProcedureCode, row.ProcedureVersion, cancellationToken);
        var nodes = definition?.Flowchart.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal) ?? [];
        var offset = calendar.UtcOffset;
        var tasks = (await db.Tasks.AsNoTracking().Where(t => t.InstanceId == row.Id).ToListAsync(cancellationToken))
            .OrderBy(t => t.OpenedAt).ThenBy(t => t.ClosedAt ?? DateTimeOffset.MaxValue).ThenBy(t => t.NodeId, StringComparer.Ordinal).ToList();
        journal ??= await JournalReader.ForDossierAsync(db, row, cancellationToken);
        // The receiving point by its name, as the receipt (form 01) prints it.
        var receptionPlace = Place(row.ReceptionPoint, receptionPoints, departments);
        var returnPlace = row.ReturnPoint is { } returnPoint ? Place(returnPoint, receptionPoints, departments) : null;
        var reception = new UnitDto(receptionPlace.Code, receptionPlace.Name);
        var handovers = new List<HandoverDto>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            // The unit that handed the dossier over: the department of the step it came from, else the reception point.
            var giver = task.PreviousNodeId is { } previous
                ? tasks.Take(i).LastOrDefault(t => t.NodeId == previous)
                : null;
            var givingUnit = giver is null ? reception : new UnitDto(giver.Department, departments.NameOf(giver.Department));
            var branches = ControlSlipHandovers.JoinedBranches(definition, task, tasks.Take(i), journal, departments);
            var end = task.ClosedAt ?? now;
            var minutes = calendar.WorkingMinutesBetween(task.OpenedAt, end);
            handovers.Add(new HandoverDto(
                i + 1, task.Id, task.NodeId, task.StepName, givingUnit, new UnitDto(task.Department, departments.NameOf(task.Department)),
                task.State, task.Outcome, task.Actor, task.Note,
                task.OpenedAt.ToOffset(offset), task.ClosedAt?.ToOffset(offset), task.DueAt.ToOffset(offset),
                nodes.GetValueOrDefault(task.NodeId) is StepNode step ? step.AllottedTime : null,
                minutes, calendar.WorkingDaysBetween(task.OpenedAt, end), Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero),
                SlaName(Sla.Classify(calendar, task.DueAt, task.State == TaskStates.Open ? null : task.ClosedAt, now)))
            {
                GivingUnits = branches,
            });
            if (task.Outcome == Outcomes.NeedsSupplement
                && ControlSlipHandovers.Supplement(row, definition, task, journal, calendar, departments, now) is { } supplement)
            {
                handovers.Add(supplement);
            }
        }

        if (ControlSlipHandovers.ResultReturned(row, calendar, departments, now) is { } returned)
        {
            // Returned at another point: that point's desk handed the result over.
            handovers.Add(returnPlace is null ? returned : returned with { GivingUnit = new UnitDto(returnPlace.Code, returnPlace.Name) });
        }

        handovers = [.. handovers.Select((h, n) => h with { Number = n + 1 })];
        var events = journal.Select(j => new TimelineEventDto(
            j.Sequence, j.At.ToOffset(offset), j.Kind, j.NodeId, j.NodeId is null ? null : nodes.GetValueOrDefault(j.NodeId)?.Name,
            j.Outcome, j.Actor, j.Note, j.Detail)).ToList();
        if (row.ResultReturnedAt is { } returnedAt)
        {
            // Not an engine event (the instance has ended): the dossier row records it; it follows the journal.
            events.Add(new TimelineEventDto(
                (journal.Count == 0 ? 0 : journal[^1].Sequence) + 1, returnedAt.ToOffset(offset), HandoverKinds.ResultReturned, null, null, null, null, null, null));
        }

        return new TimelineDto(row.Code, DossierStatus.Name(row.Status), handovers, events)
        {
            ReceptionPoint = receptionPlace,
            ReturnPoint = returnPlace,
        };
    }

    private static async Task<Results<Ok<DossierSummaryDto>, ProblemHttpResult>> ResultReturned(
        string code, HttpContext context, WorkflowsDbContext db, WorkingCalendar calendar, TimeProvider time, CancellationToken cancellationToken)
    {
        // The same visibility as reading: a dossier the desk never handled is not found, whatever its state, so
        // neither a change nor a 409 reveals that the code exists. Tracked, because this request updates it.
        var row = await DossierAccess.Visible(db, context.User).AsTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            return NotFound(code);
        }

        if (row.Status is not (DossierStatus.Resolved or DossierStatus.Refused))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No result to return",
                detail: $"Dossier {code} is '{DossierStatus.NameEn(row.Status)}'; a result is returned once it is resolved or refused.");
        }

        var now = time.GetUtcNow();
        row.Status = DossierStatus.ResultReturned;
        row.ResultReturnedAt = now;
        row.UpdatedAt = now;
        row.RowVersion++;
        db.Outbox.Add(DossierProjection.StatusChanged(row, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dossier changed since it was read", detail: "Read it again and retry.", extensions: ApiProblemCodes.With(ApiProblemCodes.DossierChanged));
        }

        var offset = calendar.UtcOffset;
        return TypedResults.Ok(new DossierSummaryDto(
            row.Code, row.ExternalCode, row.ProcedureCode, row.ProcedureName, row.ApplicantName, row.Channel,
            row.ReceivedAt.ToOffset(offset), row.DueAt.ToOffset(offset), row.Status, DossierStatus.Name(row.Status), DossierStatus.NameEn(row.Status),
            SlaName(Sla.Classify(calendar, row.DueAt, row.CompletedAt, now)), row.Result));
    }

    private static string SlaName(SlaState state) => RowMapping.Name(state);

    /// <summary>A reception point by its directory entry; a department's name (or the code) for one it does not list.</summary>
    internal static PlaceDto Place(string code, ReceptionPointDirectory receptionPoints, DepartmentDirectory departments) =>
        receptionPoints.Find(code) is { } point
            ? new PlaceDto(point.Code, point.Name, point.Address)
            : new PlaceDto(code, departments.NameOf(code), null);

    private static ProblemHttpResult NotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dossier not found", detail: $"No dossier {code} that you may see.");

    private static int Whole(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[field] = [string.Create(CultureInfo.InvariantCulture, $"A whole number from {min} to {max}.")];
        return fallback;
    }

    private static DateOnly? Day(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && InputLimits.IsInRange(day))
        {
            return day;
        }

        errors[field] = ["A day as yyyy-MM-dd (local time). " + InputLimits.DayRangeMessage];
        return null;
    }
}
