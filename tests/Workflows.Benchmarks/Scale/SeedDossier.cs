using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Benchmarks.Common;
using Workflows.Benchmarks.Durable;

namespace Workflows.Benchmarks.Scale;

/// <summary>
/// One dossier received through the Host's intake API, to be cloned with <see cref="ScaleDatabase.CloneAsync"/>: the
/// copies have exactly the rows (instance, tokens, tasks, bookmarks, journal, outbox) the Host writes.
/// </summary>
internal static class SeedDossier
{
    /// <summary>A procedure whose dossier waits on a timer right after intake, then opens a step at the desk.</summary>
    public const string TimerProcedure = "BM-HEN-GIO";

    /// <summary>The building-permit sample the durable benchmark uses (one open intake step, appointment in 15 working days).</summary>
    public const string PermitProcedure = "1.009994";

    public static HttpClient Client(ServiceProcess host, string key)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(15) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Publishes <see cref="TimerProcedure"/>: start, a timer of two working days, a desk step, end.</summary>
    public static async Task PublishTimerProcedureAsync(ServiceProcess host)
    {
        var procedure = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["code"] = TimerProcedure,
            ["version"] = 1,
            ["effectiveFrom"] = "2025-07-01",
            ["name"] = "Thủ tục đo tải: chờ hẹn giờ rồi chuyển bộ phận một cửa",
            ["legalTimeLimit"] = new JsonObject { ["value"] = 5, ["unit"] = "workingDays" },
            ["committedTimeLimit"] = new JsonObject { ["value"] = 5, ["unit"] = "workingDays" },
            ["flowchart"] = new JsonObject
            {
                ["nodes"] = new JsonArray(
                    new JsonObject { ["type"] = "Start", ["id"] = "start" },
                    new JsonObject { ["type"] = "Timer", ["id"] = "wait", ["name"] = "Chờ hai ngày làm việc", ["delay"] = new JsonObject { ["value"] = 2, ["unit"] = "workingDays" } },
                    new JsonObject
                    {
                        ["type"] = "Step", ["id"] = "reply", ["name"] = "Trả lời người nộp", ["department"] = "one-stop-desk", ["role"] = "specialist",
                        ["allottedTime"] = new JsonObject { ["value"] = 1, ["unit"] = "workingDays" }, ["outcomes"] = new JsonArray("approved"),
                    },
                    new JsonObject { ["type"] = "End", ["id"] = "done", ["result"] = "issued" }),
                ["connections"] = new JsonArray(
                    new JsonObject { ["from"] = "start", ["to"] = "wait" },
                    new JsonObject { ["from"] = "wait", ["to"] = "reply" },
                    new JsonObject { ["from"] = "reply", ["to"] = "done", ["outcome"] = "approved" }),
            },
        };
        using var designer = Client(host, ScaleDatabase.DesignerKey);
        await EnsureAsync(await designer.PostAsync(new Uri("api/definitions", UriKind.Relative), Json(procedure.ToJsonString())), "draft of " + TimerProcedure);
        await EnsureAsync(await designer.PostAsync(new Uri($"api/definitions/{TimerProcedure}/draft/publish", UriKind.Relative), null), "publishing " + TimerProcedure);
    }

    /// <summary>Receives one dossier of <paramref name="procedure"/> now and returns its instance id.</summary>
    public static async Task<Guid> IntakeAsync(ServiceProcess host, NpgsqlConnection db, string procedure, string externalCode)
    {
        var receivedAt = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var formData = procedure == PermitProcedure
            ? """{"floorArea":180,"floors":3,"landParcel":{"sheet":"12","parcel":"345","area":120.5,"address":"Số 12 đường Trần Phú, phường Hải Châu, TP Đà Nẵng"},"owner":{"name":"Nguyễn Văn An","idNumber":"048090001234"}}"""
            : "{}";
        var body = $$"""
            {"procedureCode":"{{procedure}}","externalCode":"{{externalCode}}","applicant":{"name":"Nguyễn Văn An","idNumber":"048090001234","phone":"0905123456","email":"an@example.vn","address":"Hải Châu, Đà Nẵng"},"channel":"inPerson","receptionPoint":"ttpvhcc-tinh","receivedAt":"{{receivedAt}}","formData":{{formData}},"documents":[{"name":"Đơn đề nghị","originals":1}]}
            """;
        using var intake = Client(host, ScaleDatabase.IntakeKey);
        await EnsureAsync(await intake.PostAsync(new Uri("api/intake/dossiers", UriKind.Relative), Json(body)), "intake of " + externalCode);
        return await ScaleDatabase.ScalarAsync<Guid>(db, $"SELECT id FROM dossiers WHERE external_code = '{externalCode}'");
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
