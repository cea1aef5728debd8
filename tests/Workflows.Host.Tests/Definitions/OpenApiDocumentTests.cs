using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Definitions;

/// <summary>
/// The OpenAPI document is what the Designer's typed client is written against: numbers are numbers, and every
/// operation of the Definitions and Access areas says what its success answer holds.
/// </summary>
public abstract class OpenApiDocumentTests(DatabaseFixture database)
{
    private static readonly string[] TypedTags = ["Definitions", "Access"];

    [Fact]
    public async Task Numeric_query_parameters_are_numbers_not_strings()
    {
        var document = await DocumentAsync();

        var search = Parameters(document, "/api/definitions", "get");
        Assert.Equal("integer", Type(search["page"]));
        Assert.Equal("integer", Type(search["pageSize"]));
        Assert.Equal("string", Type(search["search"]));
        var diff = Parameters(document, "/api/definitions/{code}/diff", "get");
        Assert.Equal(("integer", "integer"), (Type(diff["from"]), Type(diff["to"])));

        // No parameter anywhere is a number that may also be a string.
        var loose = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(o => o.Value is JsonObject { } op && op["parameters"] is not null)
                .SelectMany(o => o.Value!["parameters"]!.AsArray().Select(p => (Where: $"{o.Key} {path.Key} {p!["name"]}", Schema: p!["schema"]))))
            .Where(p => p.Schema?["type"] is JsonArray types && types.Select(t => (string?)t).Contains("string") && types.Count > 1)
            .Select(p => p.Where)
            .ToList();
        Assert.Empty(loose);
    }

    [Fact]
    public async Task Every_definitions_and_access_operation_has_a_typed_success_answer()
    {
        var document = await DocumentAsync();

        var untyped = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is not JsonObject op || !op["tags"]!.AsArray().Any(t => TypedTags.Contains((string?)t)))
                {
                    continue;
                }

                var responses = op["responses"]!.AsObject();
                var success = responses.FirstOrDefault(r => r.Key is "200" or "201");
                var typed = success.Value?["content"]?.AsObject().Any(c => c.Value?["schema"] is JsonObject { Count: > 0 }) == true
                    || (success.Value is null && responses.ContainsKey("204"));
                if (!typed)
                {
                    untyped.Add($"{method.ToUpperInvariant()} {path}");
                }
            }
        }

        Assert.Empty(untyped);
        Assert.True(document["paths"]!.AsObject().Count(p => p.Key.StartsWith("/api/definitions", StringComparison.Ordinal)) >= 10);
    }

    private async Task<JsonObject> DocumentAsync()
    {
        await using var app = new WorkflowsApp(database);
        using var client = app.CreateClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        return JsonNode.Parse(text)!.AsObject();
    }

    private static Dictionary<string, JsonNode> Parameters(JsonObject document, string path, string method) =>
        document["paths"]![path]![method]!["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);

    private static string? Type(JsonNode parameter) => parameter["schema"]!["type"] switch
    {
        JsonValue single => (string?)single,
        JsonArray many => string.Join(",", many.Select(t => (string?)t)),
        _ => null,
    };
}

public sealed class SqliteOpenApiDocumentTests(SqliteDatabase database) : OpenApiDocumentTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresOpenApiDocumentTests(PostgresDatabase database) : OpenApiDocumentTests(database), IClassFixture<PostgresDatabase>;
