using Workflows.Designer.Tests.Support;
using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Editor;

/// <summary>The repository's sample procedures (definitions/procedures), read by the engine's reader.</summary>
internal static class SampleProcedures
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "definitions", "procedures"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static ProcedureDefinition Load(string file)
    {
        var loaded = DefinitionJson.Parse(File.ReadAllText(Path.Combine(Repository.Root, "definitions", "procedures", file)));
        return loaded.Definition ?? throw new InvalidOperationException($"{file}: {string.Join("; ", loaded.Problems)}");
    }
}
