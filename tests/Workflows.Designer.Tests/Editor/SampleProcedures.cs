using System.Text.Json.Nodes;
using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

/// <summary>The repository's sample procedures (definitions/procedures), read by the engine's reader.</summary>
internal static class SampleProcedures
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "definitions", "procedures");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static ProcedureDefinition Load(string file)
    {
        var loaded = DefinitionJson.Parse(File.ReadAllText(Path.Combine(Folder, file)));
        return loaded.Definition ?? throw new InvalidOperationException($"{file}: {string.Join("; ", loaded.Problems)}");
    }

    /// <summary>The text of the sample whose file name starts with the procedure's code.</summary>
    public static string Text(string code) =>
        File.ReadAllText(Directory.EnumerateFiles(Folder, code + "-*.json").Single());

    /// <summary>The sample of a procedure code (by default the building permit, 1.009994), as the editor opens it.</summary>
    public static ProcedureDefinition ByCode(string code = "1.009994") => DefinitionJson.Parse(Text(code)).Definition!;

    public static JsonObject JsonOf(string code = "1.009994") => (JsonObject)JsonNode.Parse(Text(code))!;
}
