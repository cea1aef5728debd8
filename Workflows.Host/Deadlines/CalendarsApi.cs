using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Host.Access;
using Workflows.Host.Calendars;
using Workflows.Host.Infrastructure;
using Workflows.Host.Persistence;

namespace Workflows.Host.Deadlines;

internal sealed record CalendarYearDto(int Year, bool Provisional, string Source, DateTimeOffset? UpdatedAt, string? UpdatedBy);

internal sealed record CalendarListDto(IReadOnlyList<CalendarYearDto> Years);

internal sealed record MovedAppointmentDto(string DossierCode, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// What saving a year would move: open due times of steps, dossiers' appointments and timers, and the first dossiers
/// whose appointment moves (<see cref="DueTimeRecalculator.SampleSize"/>; the counts cover all).
/// </summary>
internal sealed record CalendarPreviewDto(int Year, bool Provisional, int TasksMoved, int DossiersMoved, int TimersMoved, IReadOnlyList<MovedAppointmentDto> Dossiers);

internal sealed record CalendarUpdatedDto(int Year, bool Provisional, DateTimeOffset UpdatedAt, string UpdatedBy, int TasksMoved, int DossiersMoved, int TimersMoved);

/// <summary>
/// /api/calendars: the working calendar by year. Staff and the intake system read (the intake system counts on the
/// same calendar, e.g. to show appointments before a dossier is sent); administrators replace a year, which is stored in
/// the <c>calendars</c> table (overriding the file of that year), swapped in, and every open due time is
/// recomputed on it in the same transaction as the store.
/// </summary>
internal static class CalendarsApi
{
    public const int MaxAttempts = 3;

    public static IEndpointRouteBuilder MapCalendarsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/calendars").WithTags("Calendars").RequireAuthorization(Policies.CalendarReader);
        api.MapGet("/", List).WithSummary("The years loaded, where each comes from and whether it is provisional");
        api.MapGet("/{year:int}", Get).WithSummary("One year's calendar (the calendar file model)");
        api.MapPut("/{year:int}", Put).RequireAuthorization(Policies.Administrator)
            .WithSummary("Replace a year (validated like a calendar file); open due times are recomputed on it");
        api.MapPost("/{year:int}/preview", Preview).RequireAuthorization(Policies.Administrator)
            .WithSummary("What replacing the year would move (same body as PUT), without saving anything");
        return app;
    }

    // Someone changed an instance meanwhile (a failed save, a deadlock), not a database outage (503).
    private static bool IsConflict(Exception e) =>
        e is DeadlineConflictException || (e is DbUpdateException && !DatabaseUnavailable.Is(e)) || DatabaseErrors.IsTransientConflict(e);

    private static Ok<CalendarListDto> List(CalendarProvider calendars)
    {
        var set = calendars.Snapshot;
        return TypedResults.Ok(new CalendarListDto([.. set.Years.Values.OrderBy(y => y.Year).Select(y =>
            set.Stored.TryGetValue(y.Year, out var row)
                ? new CalendarYearDto(y.Year, y.Provisional, "stored", row.UpdatedAt, row.UpdatedBy)
                : new CalendarYearDto(y.Year, y.Provisional, "file", null, null))]));
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Get(int year, CalendarProvider calendars) =>
        calendars.Snapshot.Years.TryGetValue(year, out var file)
            ? TypedResults.Text(JsonSerializer.Serialize(file, CalendarFile.Options), "application/json")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Calendar year not found", detail: $"No calendar is loaded for {year}.");

    private static async Task<Results<Ok<CalendarPreviewDto>, ValidationProblem>> Preview(
        int year, HttpRequest request, WorkflowsDbContext db, CalendarProvider calendars, DueTimeRecalculator recalculator, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (file, problem) = await ReadAsync(year, request, cancellationToken);
        if (file is null)
        {
            return problem!;
        }

        CalendarSet next;
        try
        {
            next = calendars.Build(new Dictionary<int, CalendarRow>(calendars.Snapshot.Stored)
            {
                [year] = new() { Year = year, Json = JsonSerializer.Serialize(file, CalendarFile.Options), UpdatedBy = request.HttpContext.User.Name() },
            });
        }
        catch (ArgumentException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [ex.Message] }, title: "The calendar is not valid");
        }

        // The same recomputation as a save, in a transaction that is rolled back: the counts are what a save now would
        // move, and nothing (due times, journal, messages, the calendar in use) changes.
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var changes = await recalculator.StageAsync(next.Calendar, calendars.Current, request.HttpContext.User.Name(), StoredValues.Instant(time.GetUtcNow()), cancellationToken);
            return TypedResults.Ok(new CalendarPreviewDto(year, file.Provisional, changes.Tasks, changes.Dossiers, changes.Timers,
                [.. changes.Appointments.Select(a => new MovedAppointmentDto(a.DossierCode, a.From, a.To))]));
        }
        finally
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }
    }

    // The body as a calendar file of that year, or the problem naming what is wrong.
    private static async Task<(CalendarFile? File, ValidationProblem? Problem)> ReadAsync(int year, HttpRequest request, CancellationToken cancellationToken)
    {
        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }

        CalendarFile file;
        try
        {
            file = CalendarFile.Parse(json);
        }
        catch (CalendarFileException ex)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Path] = [ex.Reason] }, title: "The calendar is not valid"));
        }

        return file.Year == year
            ? (file, null)
            : (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$.year"] = [$"The body is the calendar of {file.Year}, not of {year}."] },
                title: "The calendar is not valid"));
    }

    private static async Task<Results<Ok<CalendarUpdatedDto>, ValidationProblem, ProblemHttpResult>> Put(
        int year, HttpRequest request, WorkflowsDbContext db, CalendarProvider calendars, DueTimeRecalculator recalculator, TimeProvider time,
        IOptions<DeadlineFlowOptions> options, CancellationToken cancellationToken)
    {
        var (file, problem) = await ReadAsync(year, request, cancellationToken);
        if (file is null)
        {
            return problem!;
        }

        var actor = request.HttpContext.User.Name();
        await calendars.EditLock.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // What both databases keep, so the reload check of other nodes compares equal.
                var now = StoredValues.Instant(time.GetUtcNow());
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                try
                {
                    var row = await db.Set<CalendarRow>().SingleOrDefaultAsync(c => c.Year == year, cancellationToken);
                    if (row is null)
                    {
                        row = new CalendarRow { Year = year, Json = string.Empty, UpdatedBy = actor };
                        db.Add(row);
                    }

                    row.Json = JsonSerializer.Serialize(file, CalendarFile.Options);
                    row.UpdatedAt = now;
                    row.UpdatedBy = actor;
                    // Another node counts on the calendar it has until its next sweep reloads it: once every node has,
                    // a sweep counts every open due time again (DueTimeRecount), so what they counted meanwhile is set right.
                    row.RecountAfter = now + options.Value.RecountAfterEdit;
                    var stored = new Dictionary<int, CalendarRow>(calendars.Snapshot.Stored) { [year] = row };
                    CalendarSet next;
                    try
                    {
                        next = calendars.Build(stored);
                    }
                    catch (ArgumentException ex)
                    {
                        // The year is valid alone but the calendar it makes with the others is not (e.g. a worked day twice).
                        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [ex.Message] }, title: "The calendar is not valid");
                    }

                    var changes = await recalculator.StageAsync(next.Calendar, calendars.Current, actor, now, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    calendars.Swap(next with { Stored = stored.ToDictionary(s => s.Key, s => Detached(s.Value)) });
                    return TypedResults.Ok(new CalendarUpdatedDto(year, file.Provisional, now, actor, changes.Tasks, changes.Dossiers, changes.Timers));
                }
                catch (Exception e) when (attempt < MaxAttempts && IsConflict(e))
                {
                    // An engine call or an officer changed an instance meanwhile: read everything again.
                    await transaction.RollbackAsync(CancellationToken.None);
                }
                catch (Exception e) when (IsConflict(e))
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Dossiers kept changing",
                        detail: "Due times could not be recomputed while dossiers were being worked on; try again.");
                }
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            calendars.EditLock.Release();
        }
    }

    private static CalendarRow Detached(CalendarRow row) => new() { Year = row.Year, Json = row.Json, UpdatedAt = row.UpdatedAt, UpdatedBy = row.UpdatedBy };
}
