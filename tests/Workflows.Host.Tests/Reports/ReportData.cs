using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Calendar;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Reports;

internal sealed record GeneratedDossier(
    Guid Id,
    string ProcedureCode,
    string ProcedureName,
    string Channel,
    string ReceptionPoint,
    DateTimeOffset ReceivedAt,
    DateTimeOffset OriginalDueAt,
    DateTimeOffset DueAt,
    int Status,
    DateTimeOffset? CompletedAt,
    bool HasDocuments);

internal sealed record GeneratedTask(
    Guid Id,
    GeneratedDossier Dossier,
    string NodeId,
    string StepName,
    string Department,
    string State,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? ClosedAt);

/// <summary>
/// 200 dossiers and their 2-4 tasks from a seeded <see cref="Random"/>: the same data on every run. Received
/// from 23 February to 31 March 2026 (no public holiday until late April, so the standard calendar is the
/// centre's), "now" is Friday 3 April 2026 10:00. Some tasks are stored in a sub-process instance whose
/// parent is the dossier's instance; they still belong to the dossier.
/// </summary>
internal sealed class ReportData
{
    public static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);
    public static readonly DateTimeOffset Now = new(2026, 4, 3, 10, 0, 0, Vietnam);
    public static readonly WorkingCalendar Calendar = WorkingCalendar.Standard();
    private const string IntakeClient = "reports-test";

    private static readonly (string Code, string Name)[] Procedures =
    [
        ("1.001", "Cấp giấy phép xây dựng nhà ở riêng lẻ"),
        ("1.002", "Đăng ký hộ kinh doanh"),
        ("1.003", "Chứng thực bản sao từ bản chính"),
    ];

    private static readonly string[] Channels = ["online", "inPerson", "postal"];
    private static readonly string[] ReceptionPoints = ["ward-1", "ward-2", "district"];

    private static readonly (string Node, string Name, string[] Departments)[] Steps =
    [
        ("receive", "Tiếp nhận hồ sơ", ["one-stop"]),
        ("review", "Thẩm định hồ sơ", ["construction", "land", "justice"]),
        ("approve", "Phê duyệt", ["leadership"]),
        ("return", "Trả kết quả", ["one-stop"]),
    ];

    public List<GeneratedDossier> Dossiers { get; } = [];

    public List<GeneratedTask> Tasks { get; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ReportData Generate() =>
        Generate(20260301, new DateTimeOffset(2026, 2, 23, 0, 0, 0, Vietnam), new DateTimeOffset(2026, 4, 1, 0, 0, 0, Vietnam), 200);

    /// <summary>700 dossiers received from 3 November 2025 to 31 March 2026: five months, for the reports at scale.</summary>
    public static ReportData FiveMonths() =>
        Generate(20251103, new DateTimeOffset(2025, 11, 3, 0, 0, 0, Vietnam), new DateTimeOffset(2026, 4, 1, 0, 0, 0, Vietnam), 700);

    /// <summary><paramref name="dossiers"/> dossiers received in [first, end) from a random seeded with <paramref name="seed"/>.</summary>
    public static ReportData Generate(int seed, DateTimeOffset first, DateTimeOffset end, int dossiers)
    {
        var random = new Random(seed);
        var data = new ReportData();
        var seconds = (int)(end - first).TotalSeconds;
        for (var n = 0; n < dossiers; n++)
        {
            var procedure = Procedures[random.Next(Procedures.Length)];
            var received = first.AddSeconds(random.Next(seconds));
            var originalDue = Calendar.AddWorkingDays(received, new[] { 0.5m, 1m, 3m, 5m, 10m }[random.Next(5)]);
            var due = random.NextDouble() < 0.25 ? Calendar.AddWorkingDays(originalDue, 5) : originalDue;

            int status;
            DateTimeOffset? completed = null;
            if (random.NextDouble() < 0.6)
            {
                var kind = random.Next(3);
                var candidate = kind switch
                {
                    // Early: a day or more before the due day.
                    0 => new DateTimeOffset(originalDue.ToOffset(Vietnam).Date.AddDays(-random.Next(1, 4)), Vietnam).AddHours(8 + random.Next(8)).AddMinutes(random.Next(60)),
                    // On the due day, by the due time (or exactly at it).
                    1 => random.Next(5) == 0 ? originalDue : originalDue.AddMinutes(-random.Next(0, 240)).AddSeconds(-random.Next(1, 60)),
                    // Late: up to four days after the due time.
                    _ => originalDue.AddMinutes(random.Next(1, 4 * 24 * 60)),
                };
                if (candidate <= received)
                {
                    candidate = received.AddMinutes(random.Next(5, 120));
                }

                if (candidate <= Now)
                {
                    completed = candidate;
                }
            }

            if (completed is not null)
            {
                var pick = random.Next(100);
                status = pick < 40 ? 9 : pick < 80 ? 10 : pick < 88 ? 3 : pick < 94 ? 7 : 8;
            }
            else
            {
                var pick = random.Next(100);
                status = pick < 65 ? 4 : pick < 85 ? 5 : pick < 92 ? 6 : 2;
            }

            var dossier = new GeneratedDossier(
                Guid.CreateVersion7(received),
                procedure.Code,
                procedure.Name,
                Channels[random.Next(Channels.Length)],
                ReceptionPoints[random.Next(ReceptionPoints.Length)],
                received,
                originalDue,
                due,
                status,
                completed,
                random.NextDouble() < 0.7);
            data.Dossiers.Add(dossier);

            var opened = received.AddMinutes(random.Next(1, 30));
            var count = random.Next(2, 5);
            for (var s = 0; s < count; s++)
            {
                var step = Steps[s];
                var department = step.Departments[random.Next(step.Departments.Length)];
                var taskDue = Calendar.AddWorkingDays(opened, new[] { 0.5m, 1m, 2m }[random.Next(3)]);
                DateTimeOffset? closed = Calendar.AddWorkingMinutes(opened, random.Next(10, 1500));
                var state = "completed";
                var last = s == count - 1;
                if (closed > Now || (last && completed is null))
                {
                    closed = null;
                    state = "open";
                }
                else if (last && status is 3 or 7 or 8)
                {
                    state = status == 3 ? "completed" : "cancelled";
                }

                data.Tasks.Add(new GeneratedTask(Guid.NewGuid(), dossier, step.Node, step.Name, department, state, opened, taskDue, closed));
                if (closed is null)
                {
                    break;
                }

                opened = closed.Value;
            }
        }

        return data;
    }

    /// <summary>Inserts the rows once per database (the tests of a class share one).</summary>
    /// <summary>A Host whose clock stands at <see cref="Now"/>, with this data written into its database.</summary>
    public async Task<WorkflowsApp> StartAsync(DatabaseFixture database)
    {
        var app = new WorkflowsApp(database, clock: new ManualClock(Now));
        await SeedAsync(app);
        return app;
    }

    /// <summary>A report read through the API; a refused request fails the test with its status and body.</summary>
    public static async Task<T> GetAsync<T>(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task SeedAsync(WorkflowsApp app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        if (await db.Dossiers.AnyAsync(d => d.IntakeClient == IntakeClient))
        {
            return;
        }

        var number = 0;
        foreach (var d in Dossiers)
        {
            number++;
            db.Instances.Add(new InstanceRow
            {
                Id = d.Id,
                DefinitionCode = d.ProcedureCode,
                DefinitionVersion = 1,
                Status = d.CompletedAt is null ? "running" : "completed",
                Data = "{}",
                Tokens = "[]",
                CreatedAt = d.ReceivedAt,
                UpdatedAt = d.CompletedAt ?? d.ReceivedAt,
                Version = 1,
            });
            db.Dossiers.Add(new DossierRow
            {
                Id = d.Id,
                Code = $"TEST-{number:D4}",
                IntakeClient = IntakeClient,
                ExternalCode = $"EXT-{number:D4}",
                PayloadHash = new string('0', 64),
                ProcedureCode = d.ProcedureCode,
                ProcedureVersion = 1,
                ProcedureName = d.ProcedureName,
                ApplicantName = $"Công dân {number}",
                Channel = d.Channel,
                ReceptionPoint = d.ReceptionPoint,
                ReceivedAt = d.ReceivedAt,
                CountingFrom = d.ReceivedAt,
                OriginalDueAt = d.OriginalDueAt,
                DueAt = d.DueAt,
                Status = d.Status,
                CompletedAt = d.CompletedAt,
                ResultReturnedAt = d.Status == 10 ? d.CompletedAt : null,
                Documents = d.HasDocuments ? """[{"name":"Đơn đề nghị","originals":1,"copies":0}]""" : "[]",
                CreatedAt = d.ReceivedAt,
                UpdatedAt = d.CompletedAt ?? d.ReceivedAt,
            });
        }

        // Every seventh task runs in a sub-process: a child instance whose parent is the dossier's.
        var index = 0;
        foreach (var t in Tasks)
        {
            var instanceId = t.Dossier.Id;
            if (index++ % 7 == 3)
            {
                instanceId = Guid.NewGuid();
                db.Instances.Add(new InstanceRow
                {
                    Id = instanceId,
                    DefinitionCode = "sub",
                    DefinitionVersion = 1,
                    Status = "running",
                    Data = "{}",
                    Tokens = "[]",
                    ParentInstanceId = t.Dossier.Id,
                    CreatedAt = t.OpenedAt,
                    UpdatedAt = t.OpenedAt,
                    Version = 1,
                });
            }

            db.Tasks.Add(new TaskRow
            {
                Id = t.Id,
                InstanceId = instanceId,
                NodeId = t.NodeId,
                StepName = t.StepName,
                Department = t.Department,
                State = t.State,
                OpenedAt = t.OpenedAt,
                DueAt = t.DueAt,
                ClosedAt = t.ClosedAt,
                Outcome = t.State == "completed" ? "approved" : null,
            });
        }

        await db.SaveChangesAsync();
    }
}
