using System.Xml;
using System.Xml.Linq;

namespace Workflows.Host.Tests.Documents;

/// <summary>
/// A definitions folder for the documents tests, written once per run: the repository's form templates
/// (definitions/templates/forms) and D.0001, which goes one-stop-desk → construction → leadership, may ask for a
/// supplement (30 calendar days) at the first two steps and may be refused at review. It has a fee and a competent body.
/// </summary>
internal static class DocumentDefinitions
{
    public const string Code = "D.0001";
    public const string ProcedureName = "Thủ tục thử: cấp giấy phép có mẫu in";

    private static readonly Lazy<string> Folder = new(Write);

    public static string Path => Folder.Value;

    /// <summary>The repository's forms folder (found from the test assembly upwards, next to Workflows.sln).</summary>
    public static string RepositoryForms
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Workflows.sln")))
                {
                    return System.IO.Path.Combine(dir.FullName, "definitions", "templates", "forms");
                }
            }

            throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
        }
    }

    private static string Write()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workflows-host-tests", "document-definitions-" + Guid.NewGuid().ToString("N"));
        var forms = System.IO.Path.Combine(folder, "templates", "forms");
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "procedures"));
        Directory.CreateDirectory(forms);
        foreach (var file in Directory.EnumerateFiles(RepositoryForms, "*.hbs"))
        {
            File.Copy(file, System.IO.Path.Combine(forms, System.IO.Path.GetFileName(file)));
        }

        File.WriteAllText(System.IO.Path.Combine(folder, "departments.json"), Departments);
        File.WriteAllText(System.IO.Path.Combine(folder, "procedures", "D.0001-mau-in.json"), Procedure);
        return folder;
    }

    private const string Departments = """
        [
          { "id": "ttpvhcc-tinh", "name": "Trung tâm Phục vụ hành chính công tỉnh" },
          { "id": "one-stop-desk", "name": "Bộ phận Một cửa", "kind": "desk" },
          { "id": "construction", "name": "Sở Xây dựng" },
          { "id": "leadership", "name": "Lãnh đạo" }
        ]
        """;

    private const string Procedure = """
        {
          "schemaVersion": 1,
          "code": "D.0001",
          "version": 1,
          "effectiveFrom": "2026-01-01",
          "name": "Thủ tục thử: cấp giấy phép có mẫu in",
          "competentBody": "Sở Xây dựng",
          "legalTimeLimit": { "value": 5, "unit": "workingDays" },
          "committedTimeLimit": { "value": 5, "unit": "workingDays" },
          "supplement": { "clock": "pause", "deadline": { "value": 30, "unit": "calendarDays" } },
          "documents": [ { "name": "Đơn đề nghị", "originals": 1 } ],
          "fee": { "amount": 1500000, "note": "Nộp khi nhận kết quả" },
          "flowchart": {
            "nodes": [
              { "type": "Start", "id": "start" },
              { "type": "Step", "id": "receive", "name": "Tiếp nhận hồ sơ", "department": "one-stop-desk", "allottedTime": { "value": 0.5, "unit": "workingDays" }, "outcomes": [ "approved", "needsSupplement" ] },
              { "type": "Step", "id": "review", "name": "Thẩm định", "department": "construction", "allottedTime": { "value": 2, "unit": "workingDays" }, "outcomes": [ "approved", "rejected", "needsSupplement" ] },
              { "type": "Step", "id": "sign", "name": "Phê duyệt", "department": "leadership", "allottedTime": { "value": 1, "unit": "workingDays" } },
              { "type": "End", "id": "issued", "result": "issued" },
              { "type": "End", "id": "refused", "result": "refused" }
            ],
            "connections": [
              { "from": "start", "to": "receive" },
              { "from": "receive", "to": "review", "outcome": "approved" },
              { "from": "review", "to": "sign", "outcome": "approved" },
              { "from": "review", "to": "refused", "outcome": "rejected" },
              { "from": "sign", "to": "issued", "outcome": "approved" }
            ]
          }
        }
        """;
}

/// <summary>The rendered forms are XHTML-compatible: parsed as XML, elements found by their data-field.</summary>
internal static class Html
{
    public static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    public static IEnumerable<XElement> Fields(this XContainer html, string field) =>
        html.Descendants().Where(e => (string?)e.Attribute("data-field") == field);

    /// <summary>The text of the first element with the data-field, whitespace collapsed.</summary>
    public static string Field(this XContainer html, string field) =>
        Text(html.Fields(field).FirstOrDefault() ?? throw new Xunit.Sdk.XunitException($"No element with data-field=\"{field}\"."));

    public static string Text(XElement element) =>
        string.Join(' ', element.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
