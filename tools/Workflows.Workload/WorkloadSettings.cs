namespace Workflows.Workload;

/// <summary>A procedure the centre receives, with the working days its steps are allotted in total.</summary>
public sealed record WorkloadProcedure(string Code, decimal AllottedWorkingDays);

/// <summary>
/// What a generated period looks like: how many dossiers a working day brings, which procedures, channels and
/// reception points, and how officers and applicants behave. The defaults follow what one-stop centres report:
/// a handful of procedures take most dossiers, most arrive at the desk in the morning, about one in ten is late.
/// </summary>
public sealed record WorkloadSettings
{
    /// <summary>The same seed gives the same workload.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>First day of arrivals (local).</summary>
    public required DateOnly From { get; init; }

    /// <summary>Last day of arrivals (local), inclusive.</summary>
    public required DateOnly To { get; init; }

    /// <summary>The mean number of dossiers a working day brings (Poisson around it, Mondays busier).</summary>
    public double DossiersPerWorkingDay { get; init; } = 60;

    /// <summary>The procedures received; their order is shuffled by the seed before the skewed mix is applied.</summary>
    public required IReadOnlyList<WorkloadProcedure> Procedures { get; init; }

    /// <summary>
    /// Exponent of the Zipf law of the procedure mix: the k-th most common procedure is received in proportion to
    /// 1 / k^s. 1.2 puts about two thirds of the dossiers on the top fifth of a 30-procedure catalogue.
    /// </summary>
    public double MixSkew { get; init; } = 1.2;

    /// <summary>Reception point codes (reception-points.json); the first, the centre, receives the most.</summary>
    public required IReadOnlyList<string> ReceptionPoints { get; init; }

    /// <summary>Share of online and postal dossiers; the rest come to the desk in person.</summary>
    public double OnlineShare { get; init; } = 0.30;

    public double PostalShare { get; init; } = 0.05;

    /// <summary>Share of dossiers whose result is returned at another reception point than the receiving one.</summary>
    public double ReturnElsewhereShare { get; init; } = 0.10;

    /// <summary>Share of steps that overrun their allotted time.</summary>
    public double LateStepShare { get; init; } = 0.10;

    public double SupplementShare { get; init; } = 0.12;

    /// <summary>Share of supplement requests the applicant answers; the others are withdrawn after the request.</summary>
    public double SupplementAnsweredShare { get; init; } = 0.85;

    /// <summary>Share sent back to an earlier step (trả lại) once.</summary>
    public double ReturnShare { get; init; } = 0.05;

    public double RefusalShare { get; init; } = 0.04;

    public double WithdrawalShare { get; init; } = 0.02;

    /// <summary>Share of dossiers whose procedure waits for a tax payment (signalled by the tax office).</summary>
    public double TaxPaymentShare { get; init; } = 0.15;
}
