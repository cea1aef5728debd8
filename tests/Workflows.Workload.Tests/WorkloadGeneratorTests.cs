using Workflows.Engine.Calendar;

namespace Workflows.Workload.Tests;

public sealed class WorkloadGeneratorTests
{
    private static readonly Lazy<WorkingCalendar> Calendar = new(Load);

    private static readonly string[] Points = ["ttpvhcc-tinh", "chi-nhanh-so-1", "chi-nhanh-so-2", "diem-tn-phuong-bac-son"];

    // Thirty procedures, as a provincial catalogue's sample; allotted times do not matter to the arrivals.
    private static readonly WorkloadProcedure[] Procedures = [.. Enumerable.Range(1, 30).Select(i => new WorkloadProcedure($"P.{i:000}", 5))];

    private static WorkloadSettings Settings(int seed = 7, DateOnly? from = null, DateOnly? to = null) => new()
    {
        Seed = seed,
        // January to March 2026: New Year, its bridge day and worked Saturday, and Tết (16-20 February).
        From = from ?? new DateOnly(2026, 1, 1),
        To = to ?? new DateOnly(2026, 3, 31),
        Procedures = Procedures,
        ReceptionPoints = Points,
    };

    [Fact]
    public void The_same_seed_gives_the_same_dossiers_and_another_seed_other_ones()
    {
        var first = WorkloadGenerator.Generate(Calendar.Value, Settings()).ToList();
        var again = WorkloadGenerator.Generate(Calendar.Value, Settings()).ToList();
        var other = WorkloadGenerator.Generate(Calendar.Value, Settings(seed: 8)).ToList();

        Assert.True(first.Count > 1000, $"{first.Count} dossiers in three months");
        Assert.Equal(first.Select(Describe), again.Select(Describe));
        Assert.NotEqual(first.Select(Describe), other.Select(Describe));
    }

    [Fact]
    public void No_dossier_arrives_on_a_holiday_during_Tet_at_a_weekend_or_outside_working_hours()
    {
        var dossiers = WorkloadGenerator.Generate(Calendar.Value, Settings()).ToList();
        var days = dossiers.Select(d => DateOnly.FromDateTime(d.ReceivedAt.DateTime)).ToHashSet();

        Assert.DoesNotContain(new DateOnly(2026, 1, 1), days);
        Assert.DoesNotContain(new DateOnly(2026, 1, 2), days);
        Assert.All(Enumerable.Range(16, 5).Select(d => new DateOnly(2026, 2, d)), tet => Assert.DoesNotContain(tet, days));
        // The Saturday worked in exchange for the bridge day receives dossiers.
        Assert.Contains(new DateOnly(2026, 1, 10), days);
        Assert.All(dossiers, d =>
        {
            var local = d.ReceivedAt.ToOffset(Calendar.Value.UtcOffset);
            var time = TimeOnly.FromDateTime(local.DateTime);
            Assert.Contains(Calendar.Value.SessionsOn(DateOnly.FromDateTime(local.DateTime)), s => s.Start <= time && time < s.End);
        });
        Assert.Equal(dossiers.OrderBy(d => d.ReceivedAt).Select(d => d.Number), dossiers.Select(d => d.Number));
        // The morning peak: more dossiers between 07:30 and 11:30 than in the rest of the day.
        Assert.True(dossiers.Count(d => d.ReceivedAt.Hour < 12) > 0.6 * dossiers.Count);
    }

    [Fact]
    public void A_few_procedures_take_most_dossiers()
    {
        var dossiers = WorkloadGenerator.Generate(Calendar.Value, Settings()).ToList();
        var byProcedure = dossiers.GroupBy(d => d.ProcedureCode).Select(g => g.Count()).OrderDescending().ToList();

        // The top fifth of the catalogue (6 of 30) receives well over half, the least common a trickle.
        Assert.True(byProcedure.Take(6).Sum() > 0.55 * dossiers.Count, $"top six: {byProcedure.Take(6).Sum()} of {dossiers.Count}");
        Assert.True(byProcedure[0] > 10 * byProcedure[^1], $"most {byProcedure[0]}, least {byProcedure[^1]}");
        Assert.All(new[] { GeneratedDossier.InPerson, GeneratedDossier.Online, GeneratedDossier.Postal }, c => Assert.Contains(dossiers, d => d.Channel == c));
        Assert.Equal(Points.Order(), dossiers.Select(d => d.ReceptionPoint).Distinct().Order());
    }

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.30)]
    public void The_share_of_late_steps_is_near_the_setting(double lateShare)
    {
        var dossiers = WorkloadGenerator.Generate(Calendar.Value, Settings() with { LateStepShare = lateShare }).ToList();
        var steps = dossiers.SelectMany(d => d.StepDurations).ToList();

        var late = steps.Count(f => f > 1.0) / (double)steps.Count;

        Assert.InRange(late, lateShare - 0.02, lateShare + 0.02);
        Assert.All(steps, f => Assert.InRange(f, 0.3, 1.8));
    }

    [Fact]
    public void Refusals_withdrawals_supplements_returns_and_tax_payments_occur_near_their_settings()
    {
        var dossiers = WorkloadGenerator.Generate(Calendar.Value, Settings()).ToList();
        double Share(Func<GeneratedDossier, bool> predicate) => dossiers.Count(predicate) / (double)dossiers.Count;

        Assert.InRange(Share(d => d.SupplementRequested), 0.09, 0.15);
        Assert.InRange(Share(d => d.Fate == DossierFate.Refused), 0.02, 0.06);
        // Withdrawn: the 2 % setting plus unanswered supplement requests (12 % × 15 %).
        Assert.InRange(Share(d => d.Fate == DossierFate.Withdrawn), 0.02, 0.06);
        Assert.InRange(Share(d => d.ReturnedToEarlierStep), 0.03, 0.07);
        Assert.InRange(Share(d => d.TaxPayment), 0.12, 0.18);
        Assert.All(dossiers.Where(d => d.ReturnPoint is not null), d => Assert.NotEqual(d.ReceptionPoint, d.ReturnPoint));
    }

    private static string Describe(GeneratedDossier d) =>
        $"{d.Number} {d.ProcedureCode} {d.Channel} {d.ReceptionPoint} {d.ReturnPoint} {d.ReceivedAt:O} {d.Fate} {d.SupplementRequested} {d.SupplementAnswered} {d.ReturnedToEarlierStep} {d.TaxPayment} {string.Join(',', d.StepDurations)}";

    private static WorkingCalendar Load()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var calendars = Path.Combine(folder.FullName, "definitions", "calendars");
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                return CalendarFile.ToCalendar(Directory.GetFiles(calendars, "*.json")
                    .Where(p => !p.EndsWith(".schema.json", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal)
                    .Select(p => CalendarFile.Parse(File.ReadAllText(p))));
            }
        }

        throw new InvalidOperationException("Workflows.sln not found above the test assembly.");
    }
}
