using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Dossiers;

/// <summary>Our dossier codes: &lt;agency&gt;-&lt;YYMMDD of the local receipt day&gt;-&lt;daily sequence, 4+ digits&gt;.</summary>
internal static class DossierCodes
{
    /// <summary>
    /// What a new dossier carries for its code and its intake system's code inside its transaction, until
    /// <see cref="AssignAsync"/> numbers it: unique to it, so the insert never meets a retry on the unique index.
    /// </summary>
    public static string Placeholder(Guid id) => "~" + id.ToString("N", CultureInfo.InvariantCulture);

    /// <summary>
    /// Numbers dossier <paramref name="id"/>, saved earlier in the caller's transaction with <see cref="Placeholder"/>
    /// as its code and external code, unless <paramref name="client"/> already has a dossier
    /// <paramref name="externalCode"/> (a retry: null, nothing numbered, the caller rolls back). Takes the next daily
    /// number of <paramref name="agency"/> on <paramref name="day"/> and writes the code into the dossier row (with its
    /// real external code), the instance data (<c>dossier.code</c>) and the statusChanged messages. The upsert
    /// row-locks the day's counter on PostgreSQL until the commit, so it comes last: concurrent intakes wait for one
    /// statement and a commit, not for a whole transaction. Under SQLite's single writer the steps are separate
    /// statements (3.35+ for RETURNING). A rolled-back intake gives its number back.
    /// </summary>
    public static async Task<string?> AssignAsync(
        WorkflowsDbContext db, string agency, DateOnly day, Guid id, string client, string externalCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var kind = DossierProjection.StatusChangedKind;
        if (db.Database.IsNpgsql())
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-");
            // One round trip: check for a retry, number, format (at least 4 digits, as Format), write everywhere.
            var codes = await db.Database.SqlQuery<string>($$"""
                WITH fresh AS (
                    SELECT 1 AS one WHERE NOT EXISTS (SELECT 1 FROM dossiers WHERE intake_client = {{client}} AND external_code = {{externalCode}})),
                seq AS (
                    INSERT INTO dossier_sequences (agency, "day", "last") SELECT {{agency}}, {{day}}, 1 FROM fresh
                    ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
                    RETURNING "last"),
                code AS (SELECT {{prefix}} || lpad("last"::text, greatest(4, length("last"::text)), '0') AS value FROM seq),
                dossier AS (
                    UPDATE dossiers SET code = code.value, external_code = {{externalCode}} FROM code WHERE dossiers.id = {{id}}
                    RETURNING dossiers.code),
                instance AS (
                    UPDATE instances SET data = jsonb_set(data, '{dossier,code}', to_jsonb(code.value)) FROM code WHERE instances.id = {{id}}),
                message AS (
                    UPDATE outbox SET payload = payload || jsonb_build_object('dossierCode', code.value, 'externalCode', {{externalCode}}::text)
                    FROM code WHERE outbox.instance_id = {{id}} AND outbox.kind = {{kind}})
                SELECT code AS "Value" FROM dossier
                """).ToListAsync(cancellationToken);
            return codes.SingleOrDefault();
        }

        var received = await db.Database.SqlQuery<int>(
            $"SELECT count(*) AS \"Value\" FROM dossiers WHERE intake_client = {client} AND external_code = {externalCode}").SingleAsync(cancellationToken);
        if (received > 0)
        {
            return null;
        }

        var sequence = (await db.Database.SqlQuery<int>($"""
            INSERT INTO dossier_sequences (agency, "day", "last") VALUES ({agency}, {day}, 1)
            ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
            RETURNING "last" AS "Value"
            """).ToListAsync(cancellationToken)).Single();
        var code = Format(agency, day, sequence);
        await db.Database.ExecuteSqlAsync($"UPDATE dossiers SET code = {code}, external_code = {externalCode} WHERE id = {id}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"UPDATE instances SET data = json_set(data, '$.dossier.code', {code}) WHERE id = {id}", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE outbox SET payload = json_set(payload, '$.dossierCode', {code}, '$.externalCode', {externalCode}) WHERE instance_id = {id} AND kind = {kind}",
            cancellationToken);
        return code;
    }

    public static string Format(string agency, DateOnly day, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-{sequence:D4}");
}
