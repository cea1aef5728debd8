using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Benchmarks.Designer;

/// <summary>What the seeder stored that the measurements open.</summary>
internal sealed record SeededCatalogue(
    int Procedures,
    int Versions,
    int Drafts,
    string TypicalCode,
    int TypicalNodes,
    string LargeCode,
    int LargeNodes,
    int LargeFrom,
    int LargeTo,
    TimeSpan Took);

/// <summary>
/// Loads a city-sized catalogue through the Host's API (as a designer would: create a draft, publish it), generated
/// from the sample definitions: new codes, the sample's field and departments, names varied by place, a quarter with a
/// second published version, a third with a draft in progress, some never published; plus one 60-node procedure
/// (branches, two-way consultations, a wait for payment against a timer) in two published versions.
/// </summary>
internal static class ProcedureSeeder
{
    public const string CodePrefix = "BM-";
    public const string LargeCode = "BM-LON-60";

    // Places in the name, so that names differ the way a province's catalogue differs (same procedure, several bodies).
    private static readonly string[] Places =
    [
        "phường Hoàn Kiếm", "xã Đông Anh", "phường Ba Đình", "xã Sóc Sơn", "phường Cầu Giấy", "xã Thạch Thất",
        "phường Long Biên", "xã Mê Linh", "phường Hà Đông", "xã Ứng Hoà", "phường Tây Hồ", "xã Phú Xuyên",
    ];

    public static async Task<SeededCatalogue> SeedAsync(HttpClient designer, string definitionsFolder, int count, int parallelism, Action<string> log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var samples = Directory.EnumerateFiles(Path.Combine(definitionsFolder, "procedures"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(file => JsonNode.Parse(File.ReadAllText(file))!.AsObject())
            .ToList();
        var versions = 0;
        var drafts = 0;
        var done = 0;
        var typical = samples.FindIndex(s => Nodes(s).Count == samples.Max(x => Nodes(x).Count));

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, cancellationToken) =>
        {
            var sample = samples[i % samples.Count];
            var code = Code(i);
            var first = Variant(sample, code, i, revision: 0);
            var neverPublished = i % 7 == 6;
            var secondVersion = !neverPublished && i % 4 == 0;
            // The typical procedure the editor opens: the largest sample's shape, two versions and a draft in progress.
            var draftOnTop = !neverPublished && (i % 3 == 0 || i == typical);
            await CreateDraftAsync(designer, first, cancellationToken);
            var stored = 1;
            if (!neverPublished)
            {
                await PublishAsync(designer, code, cancellationToken);
                if (secondVersion)
                {
                    await CreateDraftAsync(designer, Variant(sample, code, i, revision: 1), cancellationToken);
                    await PublishAsync(designer, code, cancellationToken);
                    stored++;
                }

                if (draftOnTop)
                {
                    await CreateDraftAsync(designer, Variant(sample, code, i, revision: 2), cancellationToken);
                    stored++;
                }
            }

            Interlocked.Add(ref versions, stored);
            if (neverPublished || draftOnTop)
            {
                Interlocked.Increment(ref drafts);
            }

            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                log($"  {done}/{count} procedures loaded ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        });

        // The large procedure: v1 (59 nodes) and v2 (60 nodes, times and names changed), both published, no draft.
        var baseSample = samples.First(s => (string?)s["code"] == "1.012758");
        var v1 = LargeProcedure(baseSample, revision: 0);
        var v2 = LargeProcedure(baseSample, revision: 1);
        await CreateDraftAsync(designer, v1, CancellationToken.None);
        await PublishAsync(designer, LargeCode, CancellationToken.None);
        await CreateDraftAsync(designer, v2, CancellationToken.None);
        await PublishAsync(designer, LargeCode, CancellationToken.None);

        return new SeededCatalogue(count + 1, versions + 2, drafts, Code(typical), Nodes(samples[typical]).Count, LargeCode, Nodes(v2).Count, 1, 2, clock.Elapsed);
    }

    private static string Code(int i) => CodePrefix + i.ToString("0000", CultureInfo.InvariantCulture);

    private static JsonArray Nodes(JsonObject procedure) => procedure["flowchart"]!["nodes"]!.AsArray();

    private static JsonArray Connections(JsonObject procedure) => procedure["flowchart"]!["connections"]!.AsArray();

    /// <summary>A copy of a sample under a new code, its name varied by place; later revisions shorten a step's time and rename it.</summary>
    private static JsonObject Variant(JsonObject sample, string code, int i, int revision)
    {
        var copy = sample.DeepClone().AsObject();
        copy.Remove("$schema");
        copy["code"] = code;
        copy["version"] = revision + 1;
        copy["effectiveFrom"] = "2025-07-01";
        var place = Places[i % Places.Length];
        copy["name"] = $"{sample["name"]} ({place})";
        var steps = Nodes(copy).Select(n => n!.AsObject()).Where(n => (string?)n["type"] == "Step").ToList();
        if (revision > 0 && steps.Count > 0)
        {
            var renamed = steps[revision % steps.Count];
            renamed["name"] = $"{renamed["name"]} (sửa đổi lần {revision})";
            // Half a working day shorter (stays within the committed time limit, in whole or half days).
            if (steps.FirstOrDefault(n => (string?)n["allottedTime"]?["unit"] == "workingDays" && (decimal)n["allottedTime"]!["value"]! >= 1) is { } shortened)
            {
                shortened["allottedTime"]!["value"] = (decimal)shortened["allottedTime"]!["value"]! - 0.5m;
            }
        }

        return copy;
    }

    /// <summary>
    /// The land-registration sample widened to 60 nodes: six more rounds of parallel consultation (fork, two
    /// departments, join, review that may refuse) and four sequential checks before eligibility. Revision 0 has
    /// three checks (59 nodes) and other times, so the diff of v1 and v2 has an added node and changed fields.
    /// </summary>
    private static JsonObject LargeProcedure(JsonObject sample, int revision)
    {
        var procedure = sample.DeepClone().AsObject();
        procedure.Remove("$schema");
        procedure["code"] = LargeCode;
        procedure["version"] = revision + 1;
        procedure["name"] = "Đăng ký đất đai lần đầu, liên thông thẩm định nhiều cơ quan (quy trình 60 bước)";
        procedure["nameEn"] = "First land registration with multi-agency appraisal (60-node procedure)";
        procedure["legalTimeLimit"] = new JsonObject { ["value"] = 45, ["unit"] = "workingDays" };
        procedure["committedTimeLimit"] = new JsonObject { ["value"] = 45, ["unit"] = "workingDays" };
        var nodes = Nodes(procedure);
        var connections = Connections(procedure);
        var handOver = connections.Select(c => c!.AsObject()).Single(c => (string?)c["from"] == "consulted" && (string?)c["to"] == "eligibility");
        connections.Remove(handOver);

        string[] departments = ["commune", "land-registry", "tax-office", "land-management", "leadership", "one-stop-desk"];
        var previous = "consulted";
        string? previousOutcome = null;
        for (var round = 1; round <= 6; round++)
        {
            var fork = $"round{round}Fork";
            var join = $"round{round}Join";
            var review = $"round{round}Review";
            nodes.Add(new JsonObject { ["type"] = "Fork", ["id"] = fork, ["name"] = $"Lấy ý kiến phối hợp đợt {round}", ["nameEn"] = $"Consultation round {round}" });
            Connect(connections, previous, fork, previousOutcome);
            for (var side = 0; side < 2; side++)
            {
                var id = $"round{round}{(side == 0 ? "A" : "B")}";
                var department = departments[(round + side * 3) % departments.Length];
                nodes.Add(Step(id, $"Cho ý kiến đợt {round} ({(side == 0 ? "cơ quan thứ nhất" : "cơ quan thứ hai")})", $"Opinion, round {round}",
                    department, revision == 0 ? 0.5m : 1m, ["approved"]));
                Connect(connections, fork, id, null);
                Connect(connections, id, join, "approved");
            }

            nodes.Add(new JsonObject { ["type"] = "Join", ["id"] = join, ["name"] = $"Đã đủ ý kiến đợt {round}", ["nameEn"] = $"Round {round} opinions in", ["mode"] = "all" });
            nodes.Add(Step(review, $"Tổng hợp ý kiến đợt {round}", $"Summarise round {round}", "land-registry", 0.5m, ["approved", "rejected"]));
            Connect(connections, join, review, null);
            Connect(connections, review, "notifyRefused", "rejected");
            previous = review;
            previousOutcome = "approved";
        }

        var checks = revision == 0 ? 3 : 4;
        for (var check = 1; check <= checks; check++)
        {
            var id = $"check{check}";
            nodes.Add(Step(id, $"Kiểm tra chéo hồ sơ lần {check}", $"Cross-check {check}", departments[check % departments.Length], 0.5m, ["approved"]));
            Connect(connections, previous, id, previousOutcome);
            previous = id;
            previousOutcome = "approved";
        }

        Connect(connections, previous, "eligibility", previousOutcome);
        return procedure;
    }

    private static JsonObject Step(string id, string name, string nameEn, string department, decimal days, string[] outcomes) => new()
    {
        ["type"] = "Step",
        ["id"] = id,
        ["name"] = name,
        ["nameEn"] = nameEn,
        ["department"] = department,
        ["role"] = "specialist",
        ["allottedTime"] = new JsonObject { ["value"] = days, ["unit"] = "workingDays" },
        ["outcomes"] = new JsonArray([.. outcomes.Select(o => (JsonNode)JsonValue.Create(o))]),
    };

    private static void Connect(JsonArray connections, string from, string to, string? outcome)
    {
        var connection = new JsonObject { ["from"] = from, ["to"] = to };
        if (outcome is not null)
        {
            connection["outcome"] = outcome;
        }

        connections.Add(connection);
    }

    private static async Task CreateDraftAsync(HttpClient designer, JsonObject procedure, CancellationToken cancellationToken)
    {
        using var content = new StringContent(procedure.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await designer.PostAsync(new Uri("api/definitions", UriKind.Relative), content, cancellationToken);
        await EnsureAsync(response, $"draft of {procedure["code"]}", cancellationToken);
    }

    private static async Task PublishAsync(HttpClient designer, string code, CancellationToken cancellationToken)
    {
        using var response = await designer.PostAsync(new Uri($"api/definitions/{Uri.EscapeDataString(code)}/draft/publish", UriKind.Relative), null, cancellationToken);
        await EnsureAsync(response, $"publishing {code}", cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>A client for the Host's API with a development key.</summary>
    public static HttpClient Client(Uri host, string apiKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = host, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestVersion = HttpVersion.Version11;
        return client;
    }
}
