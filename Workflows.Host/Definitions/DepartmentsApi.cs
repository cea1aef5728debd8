using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Persistence;

namespace Workflows.Host.Definitions;

/// <summary>A new department: its id never changes (steps, tasks and principals name it); active unless said otherwise.</summary>
internal sealed record CreateDepartmentRequest(string? Id, string? Name, string? NameEn, string? Kind, string? Parent, int? Level, bool? Active);

/// <summary>A department's new state, whole (a missing name or kind is a problem, not "unchanged"); Active false deactivates it.</summary>
internal sealed record UpdateDepartmentRequest(string? Name, string? NameEn, string? Kind, string? Parent, int? Level, bool? Active);

/// <summary>
/// /api/departments: the departments (the directory's, for the steps' department pickers and the forms) and their
/// upkeep by administrators; /api/templates: the notification templates and forms a procedure can name, for the
/// editor's pickers.
/// </summary>
internal static partial class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/departments", List).WithTags("Definitions").RequireAuthorization(Policies.Staff)
            .WithSummary("The active departments (all=true: inactive ones too): id, Vietnamese and English name, kind (desk = the one-stop desk), parent, level, active, revision");
        app.MapGet("/api/departments/{id}", Get).WithTags("Definitions").RequireAuthorization(Policies.Staff)
            .WithSummary("One department, with its ETag for If-Match");
        app.MapPost("/api/departments", Create).WithTags("Definitions").RequireAuthorization(Policies.Administrator)
            .WithSummary("Create a department (administrators): id of lowercase letters, digits and hyphens, Vietnamese name, kind; 409 when the id exists");
        app.MapPut("/api/departments/{id}", Update).WithTags("Definitions").RequireAuthorization(Policies.Administrator)
            .WithSummary("Edit, rename or (active false) deactivate a department (administrators); with If-Match, only the revision that ETag names (412 otherwise); 409 when a deactivated department is still used by a procedure in force or open tasks");
        app.MapGet("/api/templates", Templates).WithTags("Definitions").RequireAuthorization(Policies.Designer)
            .WithSummary("Notification templates (kind sms, email or message; Notify.template) and printed forms (kind form; a step's forms): id, kind, title");
        return app;
    }

    /// <summary>The ETag of a department: its revision, quoted. It changes with every edit.</summary>
    public static string ETag(int revision) => string.Create(CultureInfo.InvariantCulture, $"\"{revision}\"");

    private static Ok<IReadOnlyList<DepartmentDto>> List(DepartmentDirectory directory, bool? all) =>
        TypedResults.Ok(all == true ? directory.All : directory.Active);

    private static async Task<Results<Ok<DepartmentDto>, ProblemHttpResult>> Get(
        string id, HttpContext context, WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Departments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (row is null)
        {
            return NotFound(id);
        }

        context.Response.Headers.ETag = ETag(row.Revision);
        return TypedResults.Ok(DepartmentDirectory.ToDto(row));
    }

    private static async Task<Results<Created<DepartmentDto>, ValidationProblem, ProblemHttpResult>> Create(
        CreateDepartmentRequest request, HttpContext context, WorkflowsDbContext db, DepartmentDirectory directory, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var id = request.Id?.Trim();
        if (id is null || id.Length is 0 or > ColumnSizes.Department || !IdPattern().IsMatch(id))
        {
            errors["id"] = [$"An id of 1 to {ColumnSizes.Department} lowercase letters, digits and hyphens (e.g. 'land-registry') is required."];
        }

        CheckFields(id, request.Name, request.NameEn, request.Kind, request.Parent, request.Level, directory, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.Departments.AnyAsync(d => d.Id == id, cancellationToken))
        {
            return DuplicateId(id!);
        }

        var positions = await db.Departments.Select(d => (int?)d.Position).MaxAsync(cancellationToken);
        var row = new DepartmentRow
        {
            Id = id!,
            Name = request.Name!.Trim(),
            NameEn = Blank(request.NameEn),
            Kind = request.Kind,
            Parent = Blank(request.Parent),
            Level = request.Level,
            Active = request.Active ?? true,
            Position = (positions ?? -1) + 1,
            Revision = 1,
            UpdatedAt = time.GetUtcNow(),
            UpdatedBy = context.User.Name(),
        };
        db.Departments.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (Infrastructure.DatabaseErrors.IsUniqueViolation(ex))
        {
            return DuplicateId(row.Id);
        }

        await directory.ReloadAsync(cancellationToken);
        context.Response.Headers.ETag = ETag(row.Revision);
        return TypedResults.Created($"/api/departments/{row.Id}", DepartmentDirectory.ToDto(row));
    }

    private static async Task<Results<Ok<DepartmentDto>, ValidationProblem, ProblemHttpResult>> Update(
        string id, UpdateDepartmentRequest request, HttpContext context, WorkflowsDbContext db, DepartmentDirectory directory, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var row = await db.Departments.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (row is null)
        {
            return NotFound(id);
        }

        var errors = new Dictionary<string, string[]>();
        CheckFields(id, request.Name, request.NameEn, request.Kind, request.Parent, request.Level, directory, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString();
        if (!string.IsNullOrWhiteSpace(ifMatch) && !Matches(ifMatch, row.Revision))
        {
            return Stale(row);
        }

        var active = request.Active ?? row.Active;
        if (row.Active && !active && await InUseAsync(db, id, cancellationToken) is { } inUse)
        {
            return inUse;
        }

        row.Name = request.Name!.Trim();
        row.NameEn = Blank(request.NameEn);
        row.Kind = request.Kind;
        row.Parent = Blank(request.Parent);
        row.Level = request.Level;
        row.Active = active;
        row.Revision++;
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = context.User.Name();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Edited by someone else between our read and our write: the caller reads it again and decides.
            db.ChangeTracker.Clear();
            var current = await db.Departments.AsNoTracking().SingleAsync(d => d.Id == id, cancellationToken);
            return Stale(current);
        }

        await directory.ReloadAsync(cancellationToken);
        context.Response.Headers.ETag = ETag(row.Revision);
        return TypedResults.Ok(DepartmentDirectory.ToDto(row));
    }

    /// <summary>
    /// 409 when the department is still at work: a step of a procedure in force (the latest published version of
    /// its code) names it, or tasks in it are open. Deactivating it would leave those steps with no one to do them.
    /// </summary>
    private static async Task<ProblemHttpResult?> InUseAsync(WorkflowsDbContext db, string id, CancellationToken cancellationToken)
    {
        var marked = $"|{id}|";
        var using_ = await db.ProcedureVersions.AsNoTracking()
            .Where(p => p.Status == ProcedureStatus.Published && p.Departments != null && p.Departments.Contains(marked))
            .Select(p => new { p.Code, p.Version, p.Name })
            .ToListAsync(cancellationToken);
        var codes = using_.Select(p => p.Code).Distinct().ToList();
        var latest = await db.ProcedureVersions.AsNoTracking()
            .Where(p => p.Status == ProcedureStatus.Published && codes.Contains(p.Code))
            .GroupBy(p => p.Code)
            .Select(g => new { Code = g.Key, Version = g.Max(p => p.Version) })
            .ToListAsync(cancellationToken);
        var procedures = using_.Where(p => latest.Exists(l => l.Code == p.Code && l.Version == p.Version))
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .ToList();
        var openTasks = await db.Tasks.CountAsync(t => t.Department == id && t.State == TaskStates.Open, cancellationToken);
        if (procedures.Count == 0 && openTasks == 0)
        {
            return null;
        }

        var reasons = new List<string>();
        if (procedures.Count > 0)
        {
            reasons.Add($"{procedures.Count} procedure(s) in force have steps in it ({string.Join(", ", procedures.Select(p => $"{p.Code} {p.Name}"))})");
        }

        if (openTasks > 0)
        {
            reasons.Add($"{openTasks} open task(s) are in it");
        }

        return TypedResults.Problem(
            title: "The department is in use",
            detail: $"Department '{id}' cannot be deactivated: {string.Join("; ", reasons)}. Move those steps and tasks to another department first.",
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?>
            {
                ["procedures"] = procedures.Select(p => p.Code).ToList(),
                ["openTasks"] = openTasks,
                ["errors"] = new Dictionary<string, string[]> { ["active"] = [$"Still used by {string.Join("; ", reasons)}."] },
            });
    }

    private static void CheckFields(
        string? id, string? name, string? nameEn, string? kind, string? parent, int? level, DepartmentDirectory directory, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > DepartmentModel.NameLength)
        {
            errors["name"] = [$"A name of 1 to {DepartmentModel.NameLength} characters is required."];
        }

        if (nameEn is { Length: > DepartmentModel.NameLength })
        {
            errors["nameEn"] = [$"An English name has at most {DepartmentModel.NameLength} characters."];
        }

        if (kind is null || !DepartmentDirectory.Kinds.Contains(kind))
        {
            errors["kind"] = [$"Kind is one of {string.Join(", ", DepartmentDirectory.Kinds)}."];
        }

        if (level is not (null or 1 or 2))
        {
            errors["level"] = ["Level is 1 (province or city) or 2 (commune or ward), or none."];
        }

        if (Blank(parent) is not { } parentId)
        {
            return;
        }

        if (parentId == id)
        {
            errors["parent"] = ["A department cannot be its own parent."];
        }
        else if (!directory.All.Any(d => d.Id == parentId))
        {
            errors["parent"] = [$"'{parentId}' is not a department."];
        }
        else if (id is not null && IsAncestor(id, parentId, directory))
        {
            errors["parent"] = [$"'{parentId}' belongs to '{id}': the parents would go round in a circle."];
        }
    }

    // Whether walking up from candidate's parents reaches id (bounded by the list's length: a loop already stored ends the walk).
    private static bool IsAncestor(string id, string candidate, DepartmentDirectory directory)
    {
        var parents = directory.All.ToDictionary(d => d.Id, d => d.Parent, StringComparer.Ordinal);
        var current = candidate;
        for (var steps = 0; steps <= parents.Count && current is not null; steps++)
        {
            if (current == id)
            {
                return true;
            }

            current = parents.GetValueOrDefault(current);
        }

        return false;
    }

    private static bool Matches(string ifMatch, int revision)
    {
        var current = ETag(revision);
        return ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == current || tag == "W/" + current);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>412: the department was edited since the caller read it; by whom, when, and the ETag to send to overwrite it knowingly.</summary>
    private static ProblemHttpResult Stale(DepartmentRow current) => TypedResults.Problem(
        detail: $"Department '{current.Id}' was edited by {current.UpdatedBy} at {current.UpdatedAt:O}; read it again before saving.",
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The department changed since it was read",
        extensions: new Dictionary<string, object?>
        {
            ["savedBy"] = current.UpdatedBy,
            ["savedAt"] = current.UpdatedAt,
            ["currentETag"] = ETag(current.Revision),
        });

    private static ProblemHttpResult DuplicateId(string id) => TypedResults.Problem(
        detail: $"A department with id '{id}' already exists.",
        statusCode: StatusCodes.Status409Conflict,
        title: "Duplicate department id",
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = [$"'{id}' is already a department's id."] } });

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(detail: $"No department has id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static Ok<IReadOnlyList<TemplateDto>> Templates(TemplateDirectory templates) => TypedResults.Ok(templates.All());

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
