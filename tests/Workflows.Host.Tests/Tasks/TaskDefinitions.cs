namespace Workflows.Host.Tests.Tasks;

/// <summary>
/// A definitions folder for the task tests, written once per test run: departments that match the
/// development officers and T.9001, which goes one-stop-desk → urban-management → leadership, may be
/// returned to the previous step and may be forwarded from urban-management to leadership.
/// </summary>
internal static class TaskDefinitions
{
    public const string Code = "T.9001";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    private static string Write()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-host-tests", "task-definitions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "procedures"));
        File.WriteAllText(System.IO.Path.Combine(folder, "departments.json"), Departments);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "T.9001-hang-doi.json"), Procedure);
        return folder;
    }

    private const string Departments = """
        [
          { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
          { "id": "urban-management", "name": "Phòng Quản lý đô thị" },
          { "id": "construction", "name": "Sở Xây dựng" },
          { "id": "leadership", "name": "Lãnh đạo" }
        ]
        """;

    private const string Procedure = """
        {
          "schemaVersion": 1,
          "code": "T.9001",
          "version": 1,
          "effectiveFrom": "2026-01-01",
          "name": "Thủ tục thử: cấp giấy phép xây dựng",
          "legalTimeLimit": { "value": 10, "unit": "workingDays" },
          "committedTimeLimit": { "value": 10, "unit": "workingDays" },
          "flowchart": {
            "nodes": [
              { "type": "Start", "id": "start" },
              { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved", "rejected" ] },
              { "type": "Step", "id": "review", "name": "Thẩm định", "department": "urban-management", "allottedTime": { "value": 2, "unit": "workingDays" },
                "outcomes": [ "approved", "rejected", "returnToPrevious" ], "forwardTo": [ "leadership" ] },
              { "type": "Step", "id": "sign", "name": "Phê duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": [ "approved", "returnToPrevious" ] },
              { "type": "End", "id": "issued", "result": "issued" },
              { "type": "End", "id": "refused", "result": "refused" }
            ],
            "connections": [
              { "from": "start", "to": "receive" },
              { "from": "receive", "to": "review", "outcome": "approved" },
              { "from": "receive", "to": "refused", "outcome": "rejected" },
              { "from": "review", "to": "sign", "outcome": "approved" },
              { "from": "review", "to": "refused", "outcome": "rejected" },
              { "from": "sign", "to": "issued", "outcome": "approved" }
            ]
          }
        }
        """;
}
