using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Reports;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Dossiers;

/// <summary>
/// The dossier search at scale: an exact code is an index lookup (and, being a whole code, lists that dossier alone),
/// fragments of a code or an applicant's name use trigram indexes on PostgreSQL, and a page that is not full gives its
/// total without counting the matches again, so every page's total must still be the number of matches.
/// </summary>
public abstract class DossierSearchAtScaleTests(DatabaseFixture database)
{
    // 200 dossiers coded TEST-0001 .. TEST-0200 for applicants "Công dân 1" .. "Công dân 200".
    private static readonly ReportData Data = ReportData.Generate();

    private protected DatabaseFixture Database => database;

    private protected async Task<WorkflowsApp> StartAsync()
    {
        var app = new WorkflowsApp(database, clock: new ManualClock(ReportData.Now));
        await Data.SeedAsync(app);
        return app;
    }

    private static async Task<(int Total, List<string> Codes)> SearchAsync(HttpClient client, string query)
    {
        var page = (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/dossiers?{query}", UriKind.Relative)))!;
        return ((int)page["total"]!, page["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList());
    }

    [Fact]
    public async Task Exact_codes_fragments_and_names_are_found_with_the_right_total_on_every_page()
    {
        await using var app = await StartAsync();
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        foreach (var (query, total, codes) in new[] { ("code=TEST-0042", 1, "TEST-0042"), ("code=EXT-0042", 1, "TEST-0042"), ("code=TEST-9999", 0, "") })
        {
            var found = await SearchAsync(client, query);
            Assert.Equal((total, codes), (found.Total, string.Join(',', found.Codes)));
        }

        // "TEST-01" is in TEST-0100 .. TEST-0199: 100 matches, 40 a page.
        var pages = new[] { 1, 2, 3, 4 }.Select(p => SearchAsync(client, $"code=TEST-01&pageSize=40&page={p}")).ToList();
        var results = await Task.WhenAll(pages);
        Assert.All(results, r => Assert.Equal(100, r.Total));
        Assert.Equal([40, 40, 20, 0], results.Select(r => r.Codes.Count));
        Assert.Equal(Enumerable.Range(100, 100).Select(n => $"TEST-{n:D4}").Order(StringComparer.Ordinal), results.SelectMany(r => r.Codes).Order(StringComparer.Ordinal));

        // "dân 1" is in "Công dân 1", "Công dân 10" .. "19" and "100" .. "199": 111 matches.
        var first = await SearchAsync(client, "applicant=" + Uri.EscapeDataString("dân 1") + "&pageSize=50");
        var last = await SearchAsync(client, "applicant=" + Uri.EscapeDataString("DÂN 1") + "&pageSize=50&page=3");
        Assert.Equal((111, 50), (first.Total, first.Codes.Count));
        Assert.Equal((111, 11), (last.Total, last.Codes.Count));
    }

    [Fact]
    public async Task A_whole_code_lists_its_dossier_alone_even_inside_longer_codes_and_a_fragment_lists_them_all()
    {
        await using var app = await StartAsync();
        // Codes that contain TEST-0042 whole: another agency's prefix and a longer daily sequence.
        await AddDossierAsync(app, "Q1-TEST-0042", "HS-Q1-1", "Bà Lê Thị Hoa");
        await AddDossierAsync(app, "TEST-00420", "HS-Q1-2", "Ông Trần Văn Minh");
        using var client = app.ClientWithKey(WorkflowsApp.AdministratorKey);

        // The officer typed (or scanned) a whole code: that dossier, not every code it is part of.
        Assert.Equal((1, "TEST-0042"), Summary(await SearchAsync(client, "code=TEST-0042")));
        Assert.Equal((1, "TEST-00420"), Summary(await SearchAsync(client, "code=TEST-00420")));
        Assert.Equal((1, "TEST-0042"), Summary(await SearchAsync(client, "code=EXT-0042")));
        Assert.Equal((1, string.Empty), Summary(await SearchAsync(client, "code=TEST-0042&pageSize=1&page=2")));

        // No dossier's whole code: a fragment, found in every code that contains it.
        var fragment = await SearchAsync(client, "code=" + Uri.EscapeDataString("T-0042"));
        Assert.Equal(3, fragment.Total);
        Assert.Equal(["Q1-TEST-0042", "TEST-0042", "TEST-00420"], fragment.Codes.Order(StringComparer.Ordinal));
        var lastPage = await SearchAsync(client, "code=0042&pageSize=2&page=2");
        Assert.Equal((3, 1), (lastPage.Total, lastPage.Codes.Count));
    }

    private static (int Total, string Codes) Summary((int Total, List<string> Codes) page) => (page.Total, string.Join(',', page.Codes));

    /// <summary>A dossier (and its instance) received now, coded <paramref name="code"/>; once per database.</summary>
    private static async Task AddDossierAsync(WorkflowsApp app, string code, string externalCode, string applicant)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        if (await db.Dossiers.AnyAsync(d => d.Code == code))
        {
            return;
        }

        var id = Guid.NewGuid();
        var at = ReportData.Now;
        db.Instances.Add(new InstanceRow
        {
            Id = id, DefinitionCode = "1.004873", DefinitionVersion = 1, Status = "running", Data = "{}", Tokens = "[]",
            CreatedAt = at, UpdatedAt = at, Version = 1,
        });
        db.Dossiers.Add(new DossierRow
        {
            Id = id, Code = code, IntakeClient = "search-test", ExternalCode = externalCode, PayloadHash = new string('0', 64),
            ProcedureCode = "1.004873", ProcedureVersion = 1, ProcedureName = "Thủ tục thử tìm kiếm", ApplicantName = applicant,
            Channel = "online", ReceptionPoint = "ttpvhcc-tinh", ReceivedAt = at, CountingFrom = at, OriginalDueAt = at.AddDays(5),
            DueAt = at.AddDays(5), Status = 4, Documents = "[]", CreatedAt = at, UpdatedAt = at,
        });
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteDossierSearchAtScaleTests(SqliteDatabase database) : DossierSearchAtScaleTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDossierSearchAtScaleTests(PostgresDatabase database) : DossierSearchAtScaleTests(database), IClassFixture<PostgresDatabase>
{
    [Theory]
    [InlineData("lower(d.applicant_name) LIKE '%dân 1%' OR d.applicant_id_number = 'dân 1'", "ix_dossiers_applicant_name_trgm")]
    [InlineData("d.code LIKE '%TEST-01%'", "ix_dossiers_code_trgm")]
    [InlineData("d.code = 'TEST-0042' OR d.external_code = 'TEST-0042'", "ux_dossiers_code")]
    public async Task Fragment_searches_can_use_the_trigram_and_code_indexes(string condition, string index)
    {
        await using var app = await StartAsync();

        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        // The test table is small, so the planner would scan it anyway: forbid the scan to see which indexes can answer
        // the condition (without the page's ORDER BY, which the received_at index could walk instead).
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand($"EXPLAIN SELECT d.id FROM dossiers AS d WHERE {condition}", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.True(plan.Any(line => line.Contains(index, StringComparison.Ordinal)), string.Join('\n', plan));
    }
}
