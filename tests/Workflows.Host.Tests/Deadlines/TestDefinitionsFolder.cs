using System.Text.Json.Nodes;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Deadlines;

/// <summary>
/// A temporary copy of the test definitions with a 2026 calendar (standard week, New Year's Day off), the
/// warning template and form 04 from the repository's definitions.
/// </summary>
internal sealed class TestDefinitionsFolder : IDisposable
{
    public TestDefinitionsFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-deadlines", Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(WorkflowsApp.SampleDefinitions, "*", SearchOption.AllDirectories))
        {
            Copy(file, System.IO.Path.GetRelativePath(WorkflowsApp.SampleDefinitions, file));
        }

        // D.0001: T.0001 under a code only these tests use, so that counts by procedure see only their dossiers.
        var procedure = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(WorkflowsApp.SampleDefinitions, "procedures", "T.0001-thu-tuc-thu.json")))!;
        procedure["code"] = Procedure;
        File.WriteAllText(System.IO.Path.Combine(Path, "procedures", "D.0001-thu-tuc-thu-han.json"), procedure.ToJsonString());

        // D.0002: a timer of two working days, then the end.
        File.WriteAllText(System.IO.Path.Combine(Path, "procedures", "D.0002-hen-gio.json"), $$"""
            {
              "schemaVersion": 1, "code": "{{TimerProcedure}}", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: chờ hai ngày làm việc",
              "legalTimeLimit": { "value": 3, "unit": "workingDays" }, "committedTimeLimit": { "value": 3, "unit": "workingDays" },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Timer", "id": "wait", "name": "Chờ hai ngày làm việc", "delay": { "value": 2, "unit": "workingDays" } },
                  { "type": "End", "id": "done", "result": "issued" }
                ],
                "connections": [ { "from": "start", "to": "wait" }, { "from": "wait", "to": "done" } ]
              }
            }
            """);

        // D.0003: the desk may ask for a supplement, which the applicant has three working days to bring.
        File.WriteAllText(System.IO.Path.Combine(Path, "procedures", "D.0003-bo-sung.json"), $$"""
            {
              "schemaVersion": 1, "code": "{{SupplementProcedure}}", "version": 1, "effectiveFrom": "2026-01-01",
              "name": "Thủ tục thử: bổ sung trong ba ngày làm việc",
              "legalTimeLimit": { "value": 5, "unit": "workingDays" }, "committedTimeLimit": { "value": 5, "unit": "workingDays" },
              "supplement": { "clock": "pause", "deadline": { "value": 3, "unit": "workingDays" } },
              "flowchart": {
                "nodes": [
                  { "type": "Start", "id": "start" },
                  { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved", "needsSupplement" ] },
                  { "type": "End", "id": "done", "result": "issued" }
                ],
                "connections": [ { "from": "start", "to": "receive" }, { "from": "receive", "to": "done", "outcome": "approved" } ]
              }
            }
            """);

        var repository = RepositoryDefinitions();
        Copy(System.IO.Path.Combine(repository, "templates", "canh-bao-sap-den-han.hbs"), System.IO.Path.Combine("templates", "canh-bao-sap-den-han.hbs"));
        foreach (var form in Directory.EnumerateFiles(System.IO.Path.Combine(repository, "templates", "forms"), "*.hbs"))
        {
            Copy(form, System.IO.Path.Combine("templates", "forms", System.IO.Path.GetFileName(form)));
        }
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "calendars"));
        File.WriteAllText(System.IO.Path.Combine(Path, "calendars", "2026.json"), Calendar("2026-01-01"));
    }

    public const string Procedure = "D.0001";

    public const string TimerProcedure = "D.0002";

    public const string SupplementProcedure = "D.0003";

    public string Path { get; }

    /// <summary>The 2026 calendar file: Monday to Friday 07:30-11:30, 13:30-17:00, with these days off.</summary>
    public static string Calendar(params string[] holidays)
    {
        JsonArray Sessions() => [new JsonObject { ["start"] = "07:30", ["end"] = "11:30" }, new JsonObject { ["start"] = "13:30", ["end"] = "17:00" }];
        var file = new JsonObject
        {
            ["year"] = 2026,
            ["provisional"] = false,
            ["sessions"] = new JsonObject
            {
                ["monday"] = Sessions(), ["tuesday"] = Sessions(), ["wednesday"] = Sessions(), ["thursday"] = Sessions(), ["friday"] = Sessions(),
            },
            ["holidays"] = new JsonArray([.. holidays.Select(h => (JsonNode)new JsonObject { ["date"] = h, ["name"] = "Ngày nghỉ " + h, ["kind"] = "holiday", ["provisional"] = false })]),
            ["workedDays"] = new JsonArray(),
            ["sources"] = new JsonArray("Test calendar"),
        };
        return file.ToJsonString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private void Copy(string source, string relative)
    {
        var target = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(source, target);
    }

    private static string RepositoryDefinitions()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Workflows.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, "definitions");
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
    }
}
