using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Runtime;
using Workflows.Host.Definitions;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;

namespace Workflows.Host.Documents;

/// <summary>What a form builder needs of a dossier: the row, its published definition, its journal and the printed header.</summary>
internal sealed record DocumentContext(
    DossierRow Row,
    ProcedureDefinition? Definition,
    IReadOnlyList<JournalRow> Journal,
    DocumentAgency Agency,
    DocumentDossier Dossier,
    DateTimeOffset IssuedAt);

/// <summary>A form's model, or why the form does not apply to the dossier (409).</summary>
internal sealed record DocumentBuild(object? Model, string? NotApplicable)
{
    public static DocumentBuild Of(object model) => new(model, null);

    public static DocumentBuild Inapplicable(string reason) => new(null, reason);
}

/// <summary>
/// A form beyond the built-in ones (e.g. form 04, the apology letter): register it with
/// <c>services.AddScoped&lt;IDocumentForm, MyForm&gt;()</c> and add <c>&lt;form&gt;-&lt;slug&gt;.hbs</c> to the forms folder;
/// the documents API then lists and renders it.
/// </summary>
internal interface IDocumentForm
{
    /// <summary>"04".</summary>
    string Form { get; }

    string Title { get; }

    Task<DocumentBuild> BuildAsync(DocumentContext context, CancellationToken cancellationToken);
}

/// <summary>Builds the models of forms 01, 02, 03, 05 and 06 (and any registered <see cref="IDocumentForm"/>) for a dossier.</summary>
internal sealed class DocumentForms(
    WorkflowsDbContext db,
    DefinitionCatalogue catalogue,
    WorkingCalendar calendar,
    DepartmentDirectory departments,
    ReceptionPointDirectory receptionPoints,
    IOptions<DocumentsOptions> options,
    TimeProvider time,
    IEnumerable<IDocumentForm> extra)
{
    public const string Receipt = "01";
    public const string SupplementRequest = "02";
    public const string Refusal = "03";
    public const string RefusalAfterAppraisal = "03b";
    public const string StopNotice = "05";
    public const string ControlSlip = "06";

    private static readonly Dictionary<string, string> BuiltIn = new(StringComparer.Ordinal)
    {
        [Receipt] = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        [SupplementRequest] = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        [Refusal] = "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
        [RefusalAfterAppraisal] = "Văn bản trả lời từ chối giải quyết hồ sơ",
        [StopNotice] = "Thông báo về việc dừng xử lý hồ sơ",
        [ControlSlip] = "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    };

    private static readonly Dictionary<string, string> Channels = new(StringComparer.Ordinal)
    {
        ["inPerson"] = "Trực tiếp",
        ["postal"] = "Qua dịch vụ bưu chính công ích",
        ["online"] = "Trực tuyến",
    };

    private readonly Dictionary<string, IDocumentForm> extraForms = extra.ToDictionary(f => f.Form, StringComparer.Ordinal);

    /// <summary>Every form this service builds, with its title, in order.</summary>
    public IReadOnlyList<(string Form, string Title)> Known =>
        [.. BuiltIn.Select(p => (p.Key, p.Value)).Concat(extraForms.Values.Where(f => !BuiltIn.ContainsKey(f.Form)).Select(f => (f.Form, f.Title)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)];

    public bool IsKnown(string form) => BuiltIn.ContainsKey(form) || extraForms.ContainsKey(form);

    /// <summary>The context of one dossier, read once for any number of forms.</summary>
    public async Task<DocumentContext> ContextAsync(DossierRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var definition = await catalogue.GetPublishedAsync(row.ProcedureCode, row.ProcedureVersion, cancellationToken);
        var journal = await JournalReader.ForDossierAsync(db, row, cancellationToken);
        var offset = calendar.UtcOffset;
        var dossier = new DocumentDossier(
            row.Code, row.ExternalCode,
            new DocumentApplicant(row.ApplicantName, row.ApplicantIdNumber, row.ApplicantAddress, row.ApplicantPhone, row.ApplicantEmail),
            row.ProcedureCode, row.ProcedureName, definition?.CompetentBody,
            row.Channel, Channels.GetValueOrDefault(row.Channel, row.Channel),
            row.ReceptionPoint, PlaceName(row.ReceptionPoint),
            row.ReceivedAt.ToOffset(offset), row.DueAt.ToOffset(offset), row.OriginalDueAt.ToOffset(offset),
            row.Status, DossierStatus.Name(row.Status))
        {
            // Where the applicant collects the result: the return point chosen at intake (or by the desk since), else
            // the receiving point.
            ReturnPoint = DossiersApi.Place(row.ReturnPoint ?? row.ReceptionPoint, receptionPoints, departments),
        };
        return new DocumentContext(row, definition, journal, options.Agency(), dossier, time.GetUtcNow().ToOffset(offset));
    }

    /// <summary>The model of <paramref name="form"/> for the dossier, or why it does not apply.</summary>
    public async Task<DocumentBuild> BuildAsync(DocumentContext context, string form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return form switch
        {
            Receipt => await ReceiptAsync(context, cancellationToken),
            SupplementRequest => await SupplementRequestAsync(context, cancellationToken),
            Refusal => await RefusalAsync(context, afterAppraisal: false, cancellationToken),
            RefusalAfterAppraisal => await RefusalAsync(context, afterAppraisal: true, cancellationToken),
            StopNotice => await StopNoticeAsync(context, cancellationToken),
            ControlSlip => await ControlSlipAsync(context, cancellationToken),
            _ when extraForms.TryGetValue(form, out var other) => await other.BuildAsync(context, cancellationToken),
            _ => throw new KeyNotFoundException($"Unknown form '{form}'."),
        };
    }

    private async Task<DocumentBuild> ReceiptAsync(DocumentContext context, CancellationToken cancellationToken)
    {
        var row = context.Row;
        var documents = ReadDocuments(row.Documents);
        var definition = context.Definition;
        var limit = definition is not null && Enum.TryParse<Channel>(row.Channel, ignoreCase: true, out var channel)
            ? definition.CommittedLimitFor(channel)
            : definition?.CommittedTimeLimit;
        var fee = definition?.Fee is { Amount: > 0 } f ? new DocumentFee(f.Amount, f.Note) : null;
        // Who received it: the officer who completed (or holds) the first step.
        var first = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == row.Id)
            .OrderBy(t => t.OpenedAt).Select(t => new { t.Actor, t.ClaimedBy }).FirstOrDefaultAsync(cancellationToken);
        // A reprint shows the promise made at receipt (the first appointment, dated the day of receipt); a date moved
        // since (supplement, apology letter, calendar edit) is the timeline's and form 04's, printed only beside it.
        var promised = context.Dossier with { DueAt = context.Dossier.OriginalDueAt };
        DateTimeOffset? moved = row.DueAt != row.OriginalDueAt ? context.Dossier.DueAt : null;
        return DocumentBuild.Of(new ReceiptModel(
            context.Agency, promised, context.Dossier.ReceivedAt, moved, documents, limit, fee,
            DocumentRenderer.QrPayload(row.Code, options.Value.LookupUrl), first?.Actor ?? first?.ClaimedBy));
    }

    private async Task<DocumentBuild> SupplementRequestAsync(DocumentContext context, CancellationToken cancellationToken)
    {
        var requested = context.Journal.LastOrDefault(j => j.Kind == RowMapping.Name(JournalKind.SupplementRequested));
        if (requested is null)
        {
            return DocumentBuild.Inapplicable($"No supplement was requested for dossier {context.Row.Code}.");
        }

        // The applicant's deadline: the engine's supplement-deadline timer set with the request.
        var deadline = context.Journal
            .Where(j => j.Sequence > requested.Sequence && j.Kind == RowMapping.Name(JournalKind.TimerSet) && j.Outcome == Bookmark.SupplementDeadlineKey)
            .Select(j => DateTimeOffset.TryParse(j.Detail, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : (DateTimeOffset?)null)
            .FirstOrDefault();
        var task = await StepTaskAsync(context, requested, Outcomes.NeedsSupplement, cancellationToken);
        return DocumentBuild.Of(new SupplementRequestModel(
            context.Agency, context.Dossier, context.IssuedAt, requested.At.ToOffset(calendar.UtcOffset),
            StepName(context, requested.NodeId), task is null ? null : departments.NameOf(task.Department),
            requested.Actor ?? task?.Actor, requested.Note ?? task?.Note,
            context.Definition?.Supplement.Deadline, deadline?.ToOffset(calendar.UtcOffset),
            context.Definition?.Supplement.Clock ?? SupplementClockPolicy.Pause, ClockRule(context.Definition?.Supplement)));
    }

    /// <summary>
    /// What form 02 tells the applicant about the processing time, by the procedure's clock policy (what the Host
    /// does with the due time when the supplement arrives, see <see cref="Engine.Deadlines.SupplementClock"/>).
    /// </summary>
    public static string ClockRule(SupplementPolicy? policy) => (policy?.Clock ?? SupplementClockPolicy.Pause) switch
    {
        SupplementClockPolicy.Restart =>
            "Thời hạn giải quyết hồ sơ được tính lại từ đầu kể từ ngày nhận đủ hồ sơ bổ sung, hoàn thiện.",
        SupplementClockPolicy.ExcludedPeriods when !policy!.ExcludedSignals.Contains(SupplementSignal) =>
            "Thời gian bổ sung, hoàn thiện hồ sơ vẫn được tính vào thời hạn giải quyết hồ sơ; ngày hẹn trả kết quả không thay đổi.",
        _ => "Thời gian bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết; thời hạn giải quyết còn lại được tiếp tục tính kể từ ngày nhận đủ hồ sơ bổ sung, hoàn thiện.",
    };

    // The signal of the applicant's supplement (EngineOptions.SupplementSignal), the paused period's reason.
    private const string SupplementSignal = "supplementReceived";

    // Form 03 answers a refusal to receive (status 3); form 03b the competent body's refusal after appraisal (resolved
    // with result refused, status 9 or 10 once returned).
    private async Task<DocumentBuild> RefusalAsync(DocumentContext context, bool afterAppraisal, CancellationToken cancellationToken)
    {
        var ended = context.Journal.LastOrDefault(j => j.Kind == RowMapping.Name(JournalKind.Ended));
        var refused = context.Row.Result == RowMapping.Name(EndResult.Refused);
        var applies = afterAppraisal
            ? refused && context.Row.Status is DossierStatus.Resolved or DossierStatus.ResultReturned
            : context.Row.Status == DossierStatus.Refused;
        if (!applies || ended is null)
        {
            return DocumentBuild.Inapplicable(afterAppraisal
                ? $"Dossier {context.Row.Code} was not refused after appraisal (status: {DossierStatus.Name(context.Row.Status)})."
                : $"Dossier {context.Row.Code} was not refused at intake (status: {DossierStatus.Name(context.Row.Status)}).");
        }

        // The reason is the refusing step's note; a refusal without a step (terminated) carries it on the end entry.
        var refusing = context.Journal.LastOrDefault(j => j.Kind == RowMapping.Name(JournalKind.StepCompleted) && j.Outcome == Outcomes.Rejected);
        var task = refusing is null ? null : await StepTaskAsync(context, refusing, Outcomes.Rejected, cancellationToken);
        return DocumentBuild.Of(new RefusalModel(
            context.Agency, context.Dossier, context.IssuedAt, (refusing ?? ended).At.ToOffset(calendar.UtcOffset),
            StepName(context, refusing?.NodeId), task is null ? null : departments.NameOf(task.Department),
            refusing?.Actor ?? task?.Actor ?? ended.Actor, ended.Note ?? refusing?.Note ?? task?.Note));
    }

    private Task<DocumentBuild> StopNoticeAsync(DocumentContext context, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var ended = context.Journal.LastOrDefault(j => j.Kind == RowMapping.Name(JournalKind.Ended));
        if (context.Row.Status is not (DossierStatus.Stopped or DossierStatus.Withdrawn) || ended is null)
        {
            return Task.FromResult(DocumentBuild.Inapplicable(
                $"Processing of dossier {context.Row.Code} was not stopped (status: {DossierStatus.Name(context.Row.Status)})."));
        }

        var withdrawn = context.Row.Status == DossierStatus.Withdrawn;
        return Task.FromResult(DocumentBuild.Of(new StopNoticeModel(
            context.Agency, context.Dossier, context.IssuedAt, ended.At.ToOffset(calendar.UtcOffset),
            withdrawn ? "withdrawn" : "stopped", withdrawn, ended.Actor, ended.Note)));
    }

    private async Task<DocumentBuild> ControlSlipAsync(DocumentContext context, CancellationToken cancellationToken)
    {
        // The Dossier API's timeline: the same handovers, units, working times and SLA states (the reception point
        // printed by its name when departments.json has one), from the journal the form's context has already read.
        var timeline = await DossiersApi.BuildTimelineAsync(
            context.Row, db, catalogue, calendar, departments, receptionPoints, time.GetUtcNow(), cancellationToken, context.Journal);
        var rows = timeline.Handovers.Select(h => new ControlSlipRow(
            h.Number, h.StepName ?? h.NodeId, UnitName(h.GivingUnit), UnitName(h.ReceivingUnit),
            h.ReceivedAt, h.CompletedAt, h.DueAt, h.CompletedBy, h.AllottedTime,
            h.ActualWorkingHours, h.ActualWorkingDays, h.State, h.Sla,
            h.Kind == HandoverKinds.Supplement ? SupplementClockName(h.Sla) : ResultName(h.State, h.Sla), h.Note)
        {
            Kind = h.Kind,
            Givers = h.GivingUnits?.Select(g => new ControlSlipGiver(g.Unit.Name, g.HandedOverAt)).ToList(),
        }).ToList();
        return DocumentBuild.Of(new ControlSlipModel(context.Agency, context.Dossier, context.IssuedAt, rows));
    }

    /// <summary>The control slip's result column: trước hạn / đúng hạn / quá hạn, or đang xử lý for an open step.</summary>
    public static string ResultName(string state, string sla) => state switch
    {
        TaskStates.Open => "Đang xử lý",
        TaskStates.Cancelled => "Không thực hiện",
        _ => sla switch
        {
            "early" => "Trước hạn",
            "late" => "Quá hạn",
            _ => "Đúng hạn",
        },
    };

    // A department by its directory name (the reception point too); the applicant by their own name.
    private string UnitName(UnitDto unit) => unit.Id == HandoverKinds.Applicant ? unit.Name : PlaceName(unit.Id);

    // The reception point's name from reception-points.json; a department's (or the id) where it lists none.
    private string PlaceName(string id) => receptionPoints.NameOf(id) ?? departments.NameOf(id);

    /// <summary>The control slip's result column for the time a dossier spent with the applicant: what the clock did.</summary>
    public static string SupplementClockName(string clock) => clock switch
    {
        "restarted" => "Thời gian giải quyết được tính lại từ đầu khi nhận đủ hồ sơ",
        "counted" => "Thời gian chờ bổ sung được tính vào thời gian giải quyết",
        _ => "Tạm dừng tính thời gian giải quyết",
    };

    private Task<TaskRow?> StepTaskAsync(DocumentContext context, JournalRow entry, string outcome, CancellationToken cancellationToken) =>
        db.Tasks.AsNoTracking()
            .Where(t => t.InstanceId == context.Row.Id && t.NodeId == entry.NodeId && t.Outcome == outcome)
            .OrderByDescending(t => t.ClosedAt)
            .FirstOrDefaultAsync(cancellationToken);

    private static string? StepName(DocumentContext context, string? nodeId) =>
        nodeId is null ? null : context.Definition?.Flowchart.Nodes.FirstOrDefault(n => n.Id == nodeId)?.Name ?? nodeId;

    private static List<ReceivedDocument> ReadDocuments(string json)
    {
        var list = new List<ReceivedDocument>();
        if (System.Text.Json.Nodes.JsonNode.Parse(json) is not System.Text.Json.Nodes.JsonArray items)
        {
            return list;
        }

        foreach (var item in items.OfType<System.Text.Json.Nodes.JsonObject>())
        {
            var name = item["name"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }

            list.Add(new ReceivedDocument(list.Count + 1, name, (int?)item["originals"] ?? 0, (int?)item["copies"] ?? 0));
        }

        return list;
    }
}
