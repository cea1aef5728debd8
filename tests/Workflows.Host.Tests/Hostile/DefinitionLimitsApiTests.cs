using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;
using Workflows.Host.Tests.Intake;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Hostile;

/// <summary>
/// A published definition can never break intake (its times fit the calendar), and the definitions API refuses
/// what it could not serve back: files over the size limit, duplicate properties, codes that are not procedure codes.
/// </summary>
public abstract class DefinitionLimitsApiTests(DatabaseFixture database)
{
    public static TheoryData<string, string> UncountableLimits => new()
    {
        { "10000000", "workingDays" },
        { "5000000", "calendarDays" },
        { "7.9e28", "workingHours" },
    };

    [Theory]
    [MemberData(nameof(UncountableLimits))]
    public async Task A_time_limit_the_calendar_cannot_count_keeps_the_procedure_from_being_published(string value, string unit)
    {
        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var code = $"HUGE.{unit}";
        var procedure = UnstorableInputTests.Procedure(code);
        var limit = JsonNode.Parse($$"""{ "value": {{value}}, "unit": "{{unit}}" }""");
        procedure["legalTimeLimit"] = limit!.DeepClone();
        procedure["committedTimeLimit"] = limit.DeepClone();
        Assert.Equal(HttpStatusCode.Created, (await designer.PostAsJsonAsync("/api/definitions", procedure)).StatusCode);

        var refused = await designer.PostAsync($"/api/definitions/{code}/draft/publish", null);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("$.committedTimeLimit.value"), errors.ToJsonString());
        Assert.True(errors.ContainsKey("$.legalTimeLimit.value"), errors.ToJsonString());
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var received = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(IntakeTests.NewExternalCode(), procedure: code));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, received.StatusCode);
    }

    [Fact]
    public async Task Intake_on_a_version_stored_with_an_uncountable_limit_is_a_422_naming_the_procedure_and_stores_nothing()
    {
        // A version published before the validator bounded times: written straight into the table, read at start-up.
        await using (var first = new WorkflowsApp(database))
        {
            var procedure = UnstorableInputTests.Procedure("HUGE.STORED");
            procedure["legalTimeLimit"] = JsonNode.Parse("""{ "value": 10000000, "unit": "workingDays" }""");
            procedure["committedTimeLimit"] = JsonNode.Parse("""{ "value": 10000000, "unit": "workingDays" }""");
            using var scope = first.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            db.ProcedureVersions.Add(new ProcedureVersionRow
            {
                Code = "HUGE.STORED",
                Version = 1,
                EffectiveFrom = new DateOnly(2020, 1, 1),
                Name = (string)procedure["name"]!,
                Status = "published",
                Json = procedure.ToJsonString(),
                ContentHash = new string('0', 64),
                CreatedAt = DateTimeOffset.UnixEpoch,
                PublishedAt = DateTimeOffset.UnixEpoch,
            });
            await db.SaveChangesAsync();
        }

        await using var app = new WorkflowsApp(database, clock: new ManualClock(IntakeTests.ReceivedAt.AddHours(1)));
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var externalCode = IntakeTests.NewExternalCode();

        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", IntakeTests.Body(externalCode, procedure: "HUGE.STORED"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["procedureCode"]);
        using var check = app.Services.CreateScope();
        var stored = check.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.False(await stored.Dossiers.AnyAsync(d => d.ExternalCode == externalCode));
        Assert.False(await stored.Instances.AnyAsync(i => i.DefinitionCode == "HUGE.STORED"));
    }

    [Fact]
    public async Task A_procedure_file_over_the_size_limit_is_413_and_nothing_is_stored()
    {
        await using var app = new WorkflowsApp(database);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        // 5 MB of white space around a valid procedure: stored and published before there was a limit.
        var body = UnstorableInputTests.Procedure("BIG.1").ToJsonString() + new string(' ', 5 * 1024 * 1024);

        foreach (var path in new[] { "/api/definitions", "/api/definitions/import", "/api/definitions/validate" })
        {
            var response = await designer.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync(new Uri("/api/definitions/BIG.1/versions", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Duplicate_properties_in_a_procedure_file_are_400_and_nothing_is_stored()
    {
        await using var app = new WorkflowsApp(database);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);
        var json = UnstorableInputTests.Procedure("DUP.1").ToJsonString();
        var duplicated = json.Replace("\"code\":\"DUP.1\"", "\"code\":\"DUP.1\",\"name\":\"Thủ tục khác\"", StringComparison.Ordinal);
        Assert.NotEqual(json, duplicated);

        var response = await designer.PostAsync(new Uri("/api/definitions", UriKind.Relative), new StringContent(duplicated, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync(new Uri("/api/definitions/DUP.1/versions", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("1.001193?x=1")]
    [InlineData("thủ-tục")]
    public async Task A_code_that_is_not_a_procedure_code_is_400_before_a_draft_is_stored(string code)
    {
        await using var app = new WorkflowsApp(database);
        using var designer = app.ClientWithKey(WorkflowsApp.DesignerKey);

        var response = await designer.PostAsJsonAsync("/api/definitions/import", UnstorableInputTests.Procedure(code));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["$.code"]);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        Assert.False(await db.ProcedureVersions.AnyAsync(p => p.Code == code));
    }
}

public sealed class SqliteDefinitionLimitsApiTests(SqliteDatabase database) : DefinitionLimitsApiTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDefinitionLimitsApiTests(PostgresDatabase database) : DefinitionLimitsApiTests(database), IClassFixture<PostgresDatabase>;
