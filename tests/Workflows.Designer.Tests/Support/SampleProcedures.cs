using Workflows.Engine.Definitions;

namespace Workflows.Designer.Tests.Support;

/// <summary>The repository's sample procedure files, read into the engine's model.</summary>
internal static class SampleProcedures
{
    /// <summary>House building permit: intake 0.5 d, (site inspection 3 d), review 7 d, office approval 1.5 d, signing 3 d, return 0 d = 15 d.</summary>
    public static ProcedureDefinition BuildingPermit() => Load("1.009994");

    public static ProcedureDefinition Load(string code)
    {
        var file = Directory.EnumerateFiles(Path.Combine(Repository.Root, "definitions", "procedures"), code + "-*.json").Single();
        var loaded = DefinitionJson.Parse(File.ReadAllText(file));
        return loaded.Definition ?? throw new InvalidOperationException(string.Join("; ", loaded.Problems));
    }
}
