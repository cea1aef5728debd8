using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;
using Workflows.Engine.Calendar;
using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Definitions;

/// <summary>
/// Golden test over the repository's definitions/ folder: every procedure file matches the JSON schema,
/// loads, and passes the validator against the real departments, templates and procedure codes.
/// </summary>
public sealed class DefinitionFilesTests
{
    private static readonly string[] AllNodeKinds =
        ["Start", "Step", "Decision", "Fork", "Join", "Wait", "Timer", "Notify", "SubProcess", "End"];

    private static readonly Lazy<string> DefinitionsFolder = new(() => RepositoryDefinitions.Folder);

    private static string Definitions => DefinitionsFolder.Value;

    private static readonly Lazy<WorkingCalendar> RepositoryCalendar = new(() => CalendarFile.ToCalendar(
        Directory.GetFiles(Path.Combine(Definitions, "calendars"), "*.json")
            .Where(file => !file.EndsWith(".schema.json", StringComparison.Ordinal))
            .Select(file => CalendarFile.Parse(File.ReadAllText(file)))));

    private static string ProceduresFolder => Path.Combine(Definitions, "procedures");

    private static string SchemaPath => Path.Combine(Definitions, "procedure.schema.json");

    public static TheoryData<string> ProcedureFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in ProcedurePaths())
            {
                data.Add(Path.GetFileName(file));
            }

            return data;
        }
    }

    [Fact]
    public void The_definitions_folder_has_procedures_departments_and_templates()
    {
        Assert.True(ProcedurePaths().Length >= 3, $"Expected at least three procedures in {ProceduresFolder}.");
        Assert.NotEmpty(LoadDepartmentIds());
        Assert.NotEmpty(LoadTemplateIds());
    }

    [Theory]
    [MemberData(nameof(ProcedureFiles))]
    public async Task Procedure_file_matches_the_json_schema(string fileName)
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var json = await File.ReadAllTextAsync(Path.Combine(ProceduresFolder, fileName));

        var errors = schema.Validate(json);

        Assert.True(errors.Count == 0, $"{fileName} does not match procedure.schema.json:{Environment.NewLine}{Describe(errors)}");
    }

    [Theory]
    [MemberData(nameof(ProcedureFiles))]
    public void Procedure_file_loads_and_passes_the_validator(string fileName)
    {
        var definition = Load(fileName);
        // Days and hours compare in the repository calendar's working day, as the Host counts them when it publishes the file.
        var context = new ValidationContext(LoadDepartmentIds(), LoadTemplateIds(), LoadProcedureCodes(), RepositoryCalendar.Value.HoursPerWorkingDay);

        var problems = DefinitionValidator.Validate(definition, context);

        Assert.True(problems.Count == 0, $"{fileName} has validation problems:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Theory]
    [MemberData(nameof(ProcedureFiles))]
    public void Procedure_file_is_named_after_its_code_and_points_to_the_schema(string fileName)
    {
        var definition = Load(fileName);

        Assert.StartsWith(definition.Code + "-", fileName, StringComparison.Ordinal);
        Assert.Equal("../procedure.schema.json", definition.Schema);
        Assert.Equal(DefinitionJson.CurrentSchemaVersion, definition.SchemaVersion);
    }

    [Fact]
    public void Every_node_kind_is_used_by_at_least_one_procedure_file()
    {
        var used = ProcedurePaths()
            .SelectMany(path => Load(Path.GetFileName(path)).Flowchart.Nodes)
            .Select(node => node.Kind)
            .ToHashSet(StringComparer.Ordinal);

        var missing = AllNodeKinds.Where(kind => !used.Contains(kind)).ToList();

        Assert.True(missing.Count == 0, $"No procedure file uses: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_end_result_and_both_join_modes_are_used()
    {
        var nodes = ProcedurePaths().SelectMany(path => Load(Path.GetFileName(path)).Flowchart.Nodes).ToList();

        var results = nodes.OfType<EndNode>().Select(end => end.Result).ToHashSet();
        var modes = nodes.OfType<JoinNode>().Select(join => join.Mode).ToHashSet();

        Assert.Equal(Enum.GetValues<EndResult>().ToHashSet(), results);
        Assert.Equal(Enum.GetValues<JoinMode>().ToHashSet(), modes);
    }

    [Fact]
    public void Department_ids_are_unique()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Definitions, "departments.json")));
        var ids = document.RootElement.EnumerateArray().Select(department => department.GetProperty("id").GetString()!).ToList();

        var duplicates = ids.GroupBy(id => id, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key).ToList();

        Assert.True(duplicates.Count == 0, $"Duplicate department ids: {string.Join(", ", duplicates)}");
    }

    [Fact]
    public async Task Departments_file_matches_its_schema()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(Definitions, "departments.schema.json"));
        var json = await File.ReadAllTextAsync(Path.Combine(Definitions, "departments.json"));

        var errors = schema.Validate(json);

        Assert.True(errors.Count == 0, $"departments.json does not match departments.schema.json:{Environment.NewLine}{Describe(errors)}");
    }

    [Fact]
    public async Task Schema_rejects_a_node_of_unknown_type()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var procedure = LoadFirstProcedureAsNode();
        Nodes(procedure).Add(new JsonObject { ["type"] = "Approve", ["id"] = "approve" });

        var errors = schema.Validate(procedure.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task Schema_rejects_a_step_without_a_department()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var procedure = LoadFirstProcedureAsNode();
        var step = Nodes(procedure).OfType<JsonObject>().First(node => (string?)node["type"] == "Step");
        step.Remove("department");

        var errors = schema.Validate(procedure.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task Schema_rejects_an_unknown_property_and_a_unit_that_is_not_one_of_the_enum_values()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var withUnknownProperty = LoadFirstProcedureAsNode();
        withUnknownProperty["note"] = "not part of the format";
        var withBadUnit = LoadFirstProcedureAsNode();
        withBadUnit["committedTimeLimit"]!["unit"] = "WorkingDays";

        Assert.NotEmpty(schema.Validate(withUnknownProperty.ToJsonString()));
        Assert.NotEmpty(schema.Validate(withBadUnit.ToJsonString()));
    }

    [Fact]
    public void The_model_also_rejects_what_the_schema_rejects()
    {
        var procedure = LoadFirstProcedureAsNode();
        Nodes(procedure).Add(new JsonObject { ["type"] = "Approve", ["id"] = "approve" });

        var result = DefinitionJson.Parse(procedure.ToJsonString());

        Assert.False(result.Succeeded);
    }

    private static ProcedureDefinition Load(string fileName)
    {
        var result = DefinitionJson.Parse(File.ReadAllText(Path.Combine(ProceduresFolder, fileName)));
        Assert.True(result.Succeeded, $"{fileName} does not load:{Environment.NewLine}{string.Join(Environment.NewLine, result.Problems)}");
        return result.Definition!;
    }

    private static JsonObject LoadFirstProcedureAsNode() =>
        JsonNode.Parse(File.ReadAllText(ProcedurePaths()[0]))!.AsObject();

    private static JsonArray Nodes(JsonObject procedure) => procedure["flowchart"]!["nodes"]!.AsArray();

    private static string[] ProcedurePaths()
    {
        var files = Directory.GetFiles(ProceduresFolder, "*.json", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static HashSet<string> LoadDepartmentIds()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Definitions, "departments.json")));
        return document.RootElement.EnumerateArray()
            .Select(department => department.GetProperty("id").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> LoadTemplateIds() =>
        Directory.GetFiles(Path.Combine(Definitions, "templates"))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    // Read with a plain JSON reader so one broken file fails only its own test rows.
    private static HashSet<string> LoadProcedureCodes() =>
        ProcedurePaths()
            .Select(path => (string?)JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })?["code"])
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private static bool IsWrongNodeType(ValidationError error) =>
        error.Kind == ValidationErrorKind.NotInEnumeration && error.Path?.EndsWith(".type", StringComparison.Ordinal) == true;

    private static string Describe(IEnumerable<ValidationError> errors)
    {
        var text = new StringBuilder();
        Append(errors, 1);
        return text.ToString();

        void Append(IEnumerable<ValidationError> level, int depth)
        {
            foreach (var error in level)
            {
                text.Append(' ', depth * 2)
                    .Append(error.Kind).Append(" at ").Append(error.Path)
                    .Append(" (line ").Append(error.LineNumber).Append(')')
                    .AppendLine();
                if (error is ChildSchemaValidationError child)
                {
                    // A node is checked against every kind; only the kind its "type" names is worth reading.
                    var branches = child.Errors.Values.Where(branch => !branch.Any(IsWrongNodeType)).ToList();
                    foreach (var branch in branches.Count > 0 ? branches : child.Errors.Values)
                    {
                        Append(branches.Count > 0 ? branch : branch.Where(IsWrongNodeType), depth + 1);
                        if (branches.Count == 0)
                        {
                            break;
                        }
                    }
                }
            }
        }
    }
}
