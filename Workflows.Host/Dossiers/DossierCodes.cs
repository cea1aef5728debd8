using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>Our dossier codes: &lt;agency&gt;-&lt;YYMMDD of the local receipt day&gt;-&lt;daily sequence, 4+ digits&gt;.</summary>
internal static class DossierCodes
{
    /// <summary>
    /// The next daily number of <paramref name="agency"/> on <paramref name="day"/>, taken inside the caller's
    /// transaction, or null (no number taken) when <paramref name="client"/> already sent a dossier as
    /// <paramref name="externalCode"/>: the idempotency check and the numbering are one statement, so a new dossier
    /// costs no lookup before its transaction. The upsert row-locks the day's counter on PostgreSQL (concurrent
    /// intakes wait for each other's commit) and runs under SQLite's single writer (SQLite 3.35+ for RETURNING).
    /// A rolled-back intake gives its number back; a concurrent twin that commits first still fails on the unique index.
    /// </summary>
    public static async Task<int?> NextUnlessReceivedAsync(
        WorkflowsDbContext db, string agency, DateOnly day, string client, string externalCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var values = await db.Database.SqlQuery<int>($"""
            INSERT INTO dossier_sequences (agency, "day", "last")
            SELECT {agency}, {day}, 1
            WHERE NOT EXISTS (SELECT 1 FROM dossiers WHERE intake_client = {client} AND external_code = {externalCode})
            ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
            RETURNING "last" AS "Value"
            """).ToListAsync(cancellationToken);
        return values.Count == 0 ? null : values[0];
    }

    public static string Format(string agency, DateOnly day, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-{sequence:D4}");
}
