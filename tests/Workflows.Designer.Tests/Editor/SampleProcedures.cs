using System.Text.Json.Nodes;
using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

/// <summary>The repository's sample procedure files, as the editor loads them.</summary>
internal static class SampleProcedures
{
    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "definitions", "procedures"), "*.json").Order(StringComparer.Ordinal);

    public static string Text(string code) => File.ReadAllText(Files().Single(f => Path.GetFileName(f).StartsWith(code + "-", StringComparison.Ordinal)));

    public static ProcedureDefinition Load(string code = "1.009994") => DefinitionJson.Parse(Text(code)).Definition!;

    public static JsonObject Json(string code = "1.009994") => (JsonObject)JsonNode.Parse(Text(code))!;
}
