using Workflows.Engine.Calendar;

namespace Workflows.Workload;

/// <summary>
/// Generates the dossiers a one-stop centre receives over a period, in arrival order: only on the calendar's working
/// days (no weekend, Tết or holiday arrivals; worked Saturdays included), inside its working sessions with a morning
/// peak, with a skewed procedure mix, channels, reception points and each dossier's fate. Everything is drawn from
/// one <see cref="Random"/> seeded by <see cref="WorkloadSettings.Seed"/>, in a fixed order, so a seed is a workload.
/// </summary>
public static class WorkloadGenerator
{
    // Step factors drawn per dossier: more than any sample procedure's longest path.
    private const int StepDraws = 12;

    /// <summary>The dossiers of the period, in arrival order.</summary>
    public static IEnumerable<GeneratedDossier> Generate(WorkingCalendar calendar, WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Procedures.Count == 0 || settings.ReceptionPoints.Count == 0)
        {
            throw new ArgumentException("A workload needs at least one procedure and one reception point.", nameof(settings));
        }

        return GenerateIterator(calendar, settings);
    }

    /// <summary>How many dossiers <see cref="Generate"/> yields (it draws them all; for progress bars).</summary>
    public static int Count(WorkingCalendar calendar, WorkloadSettings settings) => Generate(calendar, settings).Count();

    private static IEnumerable<GeneratedDossier> GenerateIterator(WorkingCalendar calendar, WorkloadSettings settings)
    {
        var random = new Random(settings.Seed);
        // Which procedures are the common ones is part of the seed, not of the catalogue's file order.
        var procedures = settings.Procedures.OrderBy(_ => random.Next()).ToArray();
        var procedureWeights = Cumulative(procedures.Length, settings.MixSkew);
        // The centre (listed first) receives the most, branches and points less and less.
        var pointWeights = Cumulative(settings.ReceptionPoints.Count, 1.0);
        var number = 0;
        for (var day = settings.From; day <= settings.To; day = day.AddDays(1))
        {
            var sessions = calendar.SessionsOn(day);
            if (sessions.Count == 0)
            {
                continue;
            }

            var count = Poisson(random, settings.DossiersPerWorkingDay * DayFactor(day));
            var arrivals = new List<GeneratedDossier>(count);
            for (var i = 0; i < count; i++)
            {
                var receivedAt = ArrivalTime(random, day, sessions, calendar.UtcOffset);
                var procedure = procedures[Pick(random, procedureWeights)];
                var channel = Channel(random, settings);
                var receptionPoint = settings.ReceptionPoints[Pick(random, pointWeights)];
                var returnPoint = settings.ReceptionPoints.Count > 1 && random.NextDouble() < settings.ReturnElsewhereShare
                    ? settings.ReceptionPoints[random.Next(settings.ReceptionPoints.Count)]
                    : null;
                arrivals.Add(new GeneratedDossier(
                    0, procedure.Code, channel, receptionPoint, returnPoint == receptionPoint ? null : returnPoint, receivedAt,
                    Fate(random, settings), random.NextDouble() < settings.SupplementShare, random.NextDouble() < settings.SupplementAnsweredShare,
                    random.NextDouble() < settings.ReturnShare, random.NextDouble() < settings.TaxPaymentShare,
                    [.. Enumerable.Range(0, StepDraws).Select(_ => StepFactor(random, settings.LateStepShare))]));
            }

            foreach (var dossier in arrivals.OrderBy(d => d.ReceivedAt))
            {
                yield return dossier with
                {
                    Number = ++number,
                    // An unanswered supplement request ends with the applicant withdrawing.
                    Fate = dossier.SupplementRequested && !dossier.SupplementAnswered ? DossierFate.Withdrawn : dossier.Fate,
                };
            }
        }
    }

    /// <summary>
    /// A step's actual working time as a factor of its allotted time: late steps overrun by up to 80 % (most by a
    /// little), the others take 30-100 % of it, most near the end of the allotment (officers work to the deadline).
    /// </summary>
    private static double StepFactor(Random random, double lateShare) =>
        random.NextDouble() < lateShare
            ? 1.0 + (0.01 + (0.79 * Math.Pow(random.NextDouble(), 2)))
            : 0.3 + (0.7 * Math.Sqrt(random.NextDouble()));

    private static DossierFate Fate(Random random, WorkloadSettings settings)
    {
        var draw = random.NextDouble();
        return draw < settings.RefusalShare ? DossierFate.Refused
            : draw < settings.RefusalShare + settings.WithdrawalShare ? DossierFate.Withdrawn
            : DossierFate.Resolved;
    }

    private static string Channel(Random random, WorkloadSettings settings)
    {
        var draw = random.NextDouble();
        return draw < settings.OnlineShare ? GeneratedDossier.Online
            : draw < settings.OnlineShare + settings.PostalShare ? GeneratedDossier.Postal
            : GeneratedDossier.InPerson;
    }

    /// <summary>Mondays bring the weekend's backlog, Fridays and worked Saturdays fewer.</summary>
    private static double DayFactor(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Monday => 1.25,
        DayOfWeek.Friday => 0.9,
        DayOfWeek.Saturday or DayOfWeek.Sunday => 0.7,
        _ => 1.0,
    };

    /// <summary>
    /// Two thirds of a day's dossiers arrive in the morning session, peaking about an hour after opening
    /// (triangular, mode at a quarter of the session); the rest spread evenly over the later sessions.
    /// </summary>
    private static DateTimeOffset ArrivalTime(Random random, DateOnly day, IReadOnlyList<WorkingSession> sessions, TimeSpan offset)
    {
        var morning = sessions.Count == 1 || random.NextDouble() < 2.0 / 3;
        var session = morning ? sessions[0] : sessions[1 + random.Next(sessions.Count - 1)];
        var length = (session.End - session.Start).TotalSeconds;
        var fraction = morning ? Triangular(random.NextDouble(), 0.25) : random.NextDouble();
        // Whole seconds, strictly inside the session.
        var seconds = Math.Min(Math.Floor(fraction * length), length - 1);
        var local = day.ToDateTime(session.Start).AddSeconds(seconds);
        return new DateTimeOffset(local, offset);
    }

    // The inverse distribution function of a triangular law on [0, 1] with its mode at m.
    private static double Triangular(double u, double m) =>
        u < m ? Math.Sqrt(u * m) : 1 - Math.Sqrt((1 - u) * (1 - m));

    private static int Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 500)
        {
            // Normal approximation: Knuth's product underflows for large means.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * normal)));
        }

        var limit = Math.Exp(-mean);
        var count = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }

    // Cumulative Zipf weights 1/k^s, normalised to end at 1.
    private static double[] Cumulative(int count, double skew)
    {
        var weights = Enumerable.Range(1, count).Select(k => 1 / Math.Pow(k, skew)).ToArray();
        var total = weights.Sum();
        var running = 0.0;
        return [.. weights.Select(w => running += w / total)];
    }

    private static int Pick(Random random, double[] cumulative)
    {
        var draw = random.NextDouble();
        var index = Array.BinarySearch(cumulative, draw);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }
}
