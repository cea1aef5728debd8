using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>Our dossier codes: &lt;agency&gt;-&lt;YYMMDD of the local receipt day&gt;-&lt;daily sequence, 4+ digits&gt;.</summary>
internal static class DossierCodes
{
    /// <summary>
    /// The next daily number of <paramref name="agency"/> on <paramref name="day"/>, taken inside the caller's
    /// transaction: one upsert that row-locks the day's counter on PostgreSQL (concurrent intakes wait for each
    /// other's commit) and runs under SQLite's single writer (SQLite 3.35+ for RETURNING). A rolled-back intake
    /// gives its number back.
    /// </summary>
    public static async Task<int> NextAsync(WorkflowsDbContext db, string agency, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var values = await db.Database.SqlQuery<int>($"""
            INSERT INTO dossier_sequences (agency, "day", "last") VALUES ({agency}, {day}, 1)
            ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
            RETURNING "last" AS "Value"
            """).ToListAsync(cancellationToken);
        return values.Single();
    }

    public static string Format(string agency, DateOnly day, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-{sequence:D4}");
}
