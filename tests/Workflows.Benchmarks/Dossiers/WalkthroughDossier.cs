using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Workflows.Benchmarks.Durable;

namespace Workflows.Benchmarks.Dossiers;

/// <summary>
/// One whole dossier of README's walkthrough, as its users drive it over HTTP: the intake system receives it
/// (1.009994, floor area 120 m², so the decision takes the no-inspection branch), then for each open step the officer
/// of the step's department opens the dossier (GET /api/dossiers/{code}: its current step and task) and completes the
/// task (approved), until no step is open; then the one-stop desk records the result handed to the applicant
/// (POST /api/dossiers/{code}/result-returned, status 10).
/// </summary>
internal sealed class WalkthroughDossier(RawHttp http, string prefix)
{
    public const string Procedure = "1.009994";
    public const string IntakeKey = "dev-intake-key";
    public const string DeskKey = "dev-officer-desk-key";

    public const string Intake = "intake (POST /api/intake/dossiers)";
    public const string Read = "open the dossier (GET /api/dossiers/{code})";
    public const string Complete = "complete the step (POST /api/tasks/{id}/complete)";
    public const string ResultReturned = "result returned (POST /api/dossiers/{code}/result-returned)";

    // The officer who works for each department the walkthrough's steps belong to (development keys).
    private static readonly Dictionary<string, string> KeyOfDepartment = new(StringComparer.Ordinal)
    {
        ["one-stop-desk"] = DeskKey,
        ["urban-management"] = "dev-officer-urban-key",
        ["leadership"] = "dev-officer-leader-key",
    };

    private readonly string receivedAt = DateTimeOffset.Now.ToOffset(TimeSpan.FromHours(7)).AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    private int next;

    /// <summary>What one dossier took: each request's kind and latency, the steps completed, or why it stopped.</summary>
    public sealed record Outcome(List<(string Kind, double Ms)> Requests, int Transitions, string? Error, double TotalMs);

    /// <summary>
    /// Runs one dossier on client <paramref name="client"/>'s connection; <paramref name="after"/> runs after each
    /// request (outside the timings). With <paramref name="stopAfter"/>, stops after that many completed steps, the
    /// dossier left active where it waits.
    /// </summary>
    public async Task<Outcome> RunAsync(int client, Func<string, string, Task>? after = null, int stopAfter = int.MaxValue)
    {
        var requests = new List<(string, double)>(12);
        var started = Stopwatch.GetTimestamp();
        var transitions = 0;
        Outcome Fail(string error) => new(requests, transitions, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        async Task<(int Status, string? Body)> Timed(string kind, Func<Task<(int, string?)>> request)
        {
            var at = Stopwatch.GetTimestamp();
            var result = await request();
            requests.Add((kind, Stopwatch.GetElapsedTime(at).TotalMilliseconds));
            return result;
        }

        var externalCode = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{client}-{Interlocked.Increment(ref next)}");
        var body = $$"""
            {"procedureCode":"{{Procedure}}","externalCode":"{{externalCode}}","applicant":{"name":"Nguyễn Văn An","idNumber":"001085012345","phone":"0912345678","address":"Số 12 Trần Phú, phường Ba Đình, Hà Nội"},"channel":"inPerson","receptionPoint":"ttpvhcc-tinh","receivedAt":"{{receivedAt}}","formData":{"floorArea":120,"floors":3,"siteAddress":"Thửa 15, tờ bản đồ 7, phường Ba Đình"},"documents":[{"name":"Đơn đề nghị cấp giấy phép xây dựng","originals":1},{"name":"Bản vẽ thiết kế xây dựng","originals":2}]}
            """;
        var (status, answer) = await Timed(Intake, () => http.PostJsonReadAsync(client, "api/intake/dossiers", IntakeKey, body, CancellationToken.None));
        if (status != (int)HttpStatusCode.Created)
        {
            return Fail($"intake: HTTP {status}");
        }

        var code = JsonDocument.Parse(answer!).RootElement.GetProperty("dossierCode").GetString()!;
        if (after is not null)
        {
            await after(Intake, code);
        }

        // The first step's officer: the one-stop desk receives every dossier. Each later officer is the one of the step the dossier waits at.
        var key = DeskKey;
        for (var guard = 0; guard < 20; guard++)
        {
            if (transitions >= stopAfter)
            {
                return new Outcome(requests, transitions, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            (status, answer) = await Timed(Read, () => http.GetAsync(client, $"api/dossiers/{Uri.EscapeDataString(code)}", key, CancellationToken.None));
            if (status != (int)HttpStatusCode.OK)
            {
                return Fail($"read: HTTP {status}");
            }

            var steps = JsonDocument.Parse(answer!).RootElement.GetProperty("currentSteps");
            if (steps.GetArrayLength() == 0)
            {
                break;
            }

            var step = steps[0];
            var task = step.GetProperty("taskId").GetGuid();
            if (after is not null)
            {
                await after(Read, code);
            }

            (status, answer) = await Timed(Complete, () => http.PostJsonReadAsync(client, $"api/tasks/{task}/complete", key, """{"outcome":"approved"}""", CancellationToken.None));
            if (status != (int)HttpStatusCode.OK)
            {
                return Fail($"complete: HTTP {status}");
            }

            transitions++;
            if (after is not null)
            {
                await after(Complete, code);
            }

            // Who works next, as the completion answers: a step of the same department (next), one handed over to
            // another department, or none (the dossier reached its end).
            var completed = JsonDocument.Parse(answer!).RootElement;
            if (completed.GetProperty("next").GetArrayLength() > 0)
            {
                continue;
            }

            var handedOver = completed.GetProperty("handedOver");
            if (handedOver.GetArrayLength() == 0)
            {
                break;
            }

            var department = handedOver[0].GetProperty("department").GetString()!;
            if (!KeyOfDepartment.TryGetValue(department, out key!))
            {
                return Fail($"no officer key for department {department}");
            }
        }

        (status, _) = await Timed(ResultReturned, () => http.PostJsonReadAsync(client, $"api/dossiers/{Uri.EscapeDataString(code)}/result-returned", DeskKey, "{}", CancellationToken.None));
        if (status != (int)HttpStatusCode.OK)
        {
            return Fail($"result returned: HTTP {status}");
        }

        if (after is not null)
        {
            await after(ResultReturned, code);
        }

        return new Outcome(requests, transitions, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
