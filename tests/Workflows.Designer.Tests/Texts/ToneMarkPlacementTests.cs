using System.Text;
using System.Text.RegularExpressions;
using Workflows.Designer.Tests.Support;

namespace Workflows.Designer.Tests.Texts;

/// <summary>
/// Vietnamese has two placements of the tone mark in an open "oa", "oe" or "uy" syllable: on the first vowel or on the
/// main (second) one. The product keeps one, the mark on the main vowel ("hoà", "khoá", "thuỷ", "khoẻ", "toà", "hoá"),
/// in every text the product writes itself: the Designer's resources and pages, the Host's and the engine's messages and
/// the README. This scan fails when the other placement comes back there, or when any text of the repository is stored
/// decomposed (NFD), where the same word would not even be found by a search.
/// </summary>
/// <remarks>
/// `definitions/` is published data, not our wording: the official names of agencies, places and procedures and the
/// national motto keep the spelling their issuers publish ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in the templates of
/// Nghị định 30/2020/NĐ-CP, "Sở Văn hóa, Thể thao và Du lịch"), and a procedure file changed by a respelling would be
/// published again as a new version, splitting its report rows by name. The tests quote that data, so they are not
/// scanned either.
/// </remarks>
public sealed partial class ToneMarkPlacementTests
{
    // The mark on the first vowel of an open syllable after its initial consonant: o with a mark (acute, grave, hook,
    // tilde, dot below) followed by a or e, or u with a mark followed by y, and no letter after (so "hoàn", "tuyến",
    // "của" or "thuở" are not syllables of this kind). Written with escapes so this file does not spell them itself.
    [GeneratedRegex(@"(?<=[bcdđghklmnpqrstvx])([\u00F3\u00F2\u1ECF\u00F5\u1ECD][ae]|[\u00FA\u00F9\u1EE7\u0169\u1EE5]y)(?!\p{L})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkOnFirstVowel();

    // The texts of the repository: sources, resources, pages, templates, data, documentation and scripts.
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".razor", ".resx", ".json", ".hbs", ".md", ".html", ".css", ".js", ".sh", ".txt", ".csv",
    };

    // Build output, installed packages, test results and the canvas bundle the build writes: not written by us.
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal)
    {
        ".git", "bin", "obj", "node_modules", "TestResults", ".test-pg", "data",
    };

    private static readonly string[] GeneratedFiles = [Path.Combine("Workflows.Designer", "wwwroot", "js")];

    [Theory]
    [InlineData("C\u1ED8NG H\u00D2A X\u00C3 H\u1ED8I CH\u1EE6 NGH\u0128A VI\u1EC6T NAM", "H\u00D2A")]
    [InlineData("T\u00E0i kho\u1EA3n b\u1ECB kh\u00F3a", "kh\u00F3a")]
    [InlineData("S\u1EDF V\u0103n h\u00F3a, Th\u1EC3 thao v\u00E0 Du l\u1ECBch", "h\u00F3a")]
    [InlineData("Gi\u1EA5y kh\u00E1m s\u1EE9c kh\u1ECFe", "kh\u1ECFe")]
    [InlineData("H\u1EE7y", "H\u1EE7y")]
    [InlineData("Ph\u01B0\u1EDDng T\u00E2n Th\u1EE7y.", "Th\u1EE7y")]
    public void The_scan_finds_the_mark_on_the_first_vowel(string text, string word)
    {
        var found = Words(text).ToList();

        Assert.Equal([word], found);
    }

    [Theory]
    [InlineData("C\u1ED8NG HO\u00C0 X\u00C3 H\u1ED8I CH\u1EE6 NGH\u0128A VI\u1EC6T NAM")]
    [InlineData("T\u00E0i kho\u1EA3n b\u1ECB kho\u00E1, m\u1EDF kho\u00E1")]
    [InlineData("Ho\u00E0n th\u00E0nh, tuy\u1EBFn, chuy\u1EC3n, c\u1EE7a, m\u00F9a, thu\u1EF7, kho\u1EBB, to\u00E0, ho\u00E1")]
    [InlineData("qu\u00FD, quy\u1EC1n, thu\u1EDF, khu\u1EF7u")]
    public void The_scan_leaves_the_main_vowel_placement_and_other_syllables_alone(string text)
    {
        Assert.Empty(Words(text));
    }

    [Fact]
    public void Every_text_of_the_repository_puts_the_tone_mark_on_the_main_vowel()
    {
        var found = new List<string>();
        foreach (var file in RepositoryTexts().Where(IsOurWording))
        {
            var lines = File.ReadAllLines(file, Encoding.UTF8);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var word in Words(lines[i].Normalize(NormalizationForm.FormC)))
                {
                    found.Add($"{Path.GetRelativePath(Repository.Root, file)}:{i + 1}: {word}");
                }
            }
        }

        Assert.True(found.Count == 0, "The tone mark is on the first vowel (write \"hoà\", \"khoá\", \"thuỷ\", \"khoẻ\"):\n" + string.Join('\n', found));
    }

    [Fact]
    public void Every_text_of_the_repository_is_stored_composed()
    {
        var decomposed = RepositoryTexts()
            .Where(file => !File.ReadAllText(file, Encoding.UTF8).IsNormalized(NormalizationForm.FormC))
            .Select(file => Path.GetRelativePath(Repository.Root, file))
            .ToList();

        Assert.True(decomposed.Count == 0, "Stored decomposed (NFD), normalise to NFC: " + string.Join(", ", decomposed));
    }

    [Fact]
    public void The_scan_reads_the_texts_users_see()
    {
        var files = RepositoryTexts().Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);

        // One of each kind the issue names, so a change to the walk cannot silently leave them out.
        Assert.Contains("README.md", files);
        Assert.Contains("Workflows.Designer/Access/SignIn.resx", files);
        Assert.Contains("Workflows.Designer/Components/Pages/Catalogue/ProcedureCatalogue.razor", files);
        Assert.Contains("Workflows.Host/Reports/SummaryWorkbookWriter.cs", files);
        Assert.Contains("definitions/templates/forms/_layout.hbs", files);
        Assert.Contains("definitions/departments.json", files);
        Assert.True(IsOurWording(Path.Combine(Repository.Root, "Workflows.Host", "Reports", "SummaryWorkbookWriter.cs")));
        Assert.False(IsOurWording(Path.Combine(Repository.Root, "definitions", "departments.json")));
        Assert.DoesNotContain(files, f => f.Contains("/bin/", StringComparison.Ordinal) || f.Contains("/node_modules/", StringComparison.Ordinal));
    }

    // The product's own texts (see the remarks): its three projects and the README.
    private static readonly string[] OurWording = ["Workflows.Designer", "Workflows.Host", "Workflows.Engine"];

    private static bool IsOurWording(string file)
    {
        var relative = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/');
        return relative == "README.md" || OurWording.Any(project => relative.StartsWith(project + "/", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Words(string text)
    {
        foreach (Match match in MarkOnFirstVowel().Matches(text))
        {
            // The whole syllable, from its first letter, to name it in the failure.
            var start = match.Index;
            while (start > 0 && char.IsLetter(text[start - 1]))
            {
                start--;
            }

            yield return text[start..(match.Index + match.Length)];
        }
    }

    private static IEnumerable<string> RepositoryTexts()
    {
        var root = Repository.Root;
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(folder))
            {
                var relative = Path.GetRelativePath(root, sub);
                if (!SkippedFolders.Contains(Path.GetFileName(sub)) && !GeneratedFiles.Contains(relative))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in Directory.EnumerateFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f))))
            {
                yield return file;
            }
        }
    }
}
