using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Workflows.Host.Persistence;

/// <summary>Our dossier codes: &lt;agency&gt;-&lt;YYMMDD of the local receipt day&gt;-&lt;daily sequence, 4+ digits&gt;.</summary>
internal static class DossierCodes
{
    /// <summary>
    /// What a new dossier carries for its code until <see cref="DossierNumbering"/> numbers it (in the one-round-trip
    /// batch, only as the fallback nothing reaches): unique to it, so the insert never meets another dossier on the
    /// unique index of codes.
    /// </summary>
    public static string Placeholder(Guid id) => "~" + id.ToString("N", CultureInfo.InvariantCulture);

    public static string Format(string agency, DateOnly day, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-{sequence:D4}");
}

/// <summary>
/// Numbers dossier <c>id</c>, inserted in the same commit with its real external code: takes the next daily number of
/// the agency on the receipt day and writes the code into the dossier row, the instance data (<c>dossier.code</c>) and
/// the statusChanged message. A retry of an external code already received fails the dossier insert on the unique
/// index and the whole commit with it (on SQLite, which has a single writer, <see cref="BeforeSaveAsync"/> looks first,
/// so a retry writes nothing at all); a rolled-back intake gives its number back, so codes stay gapless. The upsert
/// row-locks the day's counter until the commit: every intake of the day queues on that row, so it is held for as
/// little as possible.
/// </summary>
internal sealed class DossierNumbering(string agency, DateOnly day, Guid id, string client, string externalCode) : CommitHook
{
    // One-round-trip batch: the number comes first, kept in a transaction-local setting (gone at the commit, so no
    // session state outlives the batch) that the inserts read; the counter stays locked for the inserts and the commit.
    private const string Setting = "current_setting('workflows.dossier_code')";

    // The day's next number, formatted as DossierCodes.Format does (at least 4 digits): both PostgreSQL statements.
    private const string NextCodeSql = """
        WITH seq AS (
            INSERT INTO dossier_sequences (agency, "day", "last") VALUES ($1, $2, 1)
            ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
            RETURNING "last"),
        code AS (SELECT $3 || lpad("last"::text, greatest(4, length("last"::text)), '0') AS value FROM seq)

        """;

    private const string PostgresLeadSql = NextCodeSql + """
        SELECT set_config('workflows.dossier_code', code.value, true) FROM code
        """;

    // Transactional path: the rows are saved with a placeholder code first, so the number is taken last (the counter
    // stays locked for one statement and the commit) and written into them: one statement.
    private const string PostgresAfterSaveSql = NextCodeSql + """
        , dossier AS (
            UPDATE dossiers SET code = code.value FROM code WHERE dossiers.id = $4
            RETURNING dossiers.code),
        instance AS (
            UPDATE instances SET data = jsonb_set(data, '{dossier,code}', to_jsonb(code.value)) FROM code WHERE instances.id = $4),
        message AS (
            UPDATE outbox SET payload = payload || jsonb_build_object('dossierCode', code.value)
            FROM code WHERE outbox.instance_id = $4 AND outbox.kind = $5)
        SELECT code FROM dossier
        """;

    /// <summary>The dossier's code, once the commit is done.</summary>
    public string? Code { get; private set; }

    public override async Task BeforeSaveAsync(WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            return; // concurrent writers: the unique index decides
        }

        var received = await db.Database.SqlQuery<int>(
            $"SELECT count(*) AS \"Value\" FROM dossiers WHERE intake_client = {client} AND external_code = {externalCode}").SingleAsync(cancellationToken);
        if (received > 0)
        {
            throw new AlreadyReceivedException();
        }
    }

    public override async Task AfterSaveAsync(WorkflowsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
            batch.BatchCommands.Add(Command(PostgresAfterSaveSql, withInstance: true));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await ReadLeadAsync(reader, cancellationToken);
            return;
        }

        // SQLite (3.35+ for RETURNING): the same steps as separate statements under its single writer.
        var sequence = (await db.Database.SqlQuery<int>($"""
            INSERT INTO dossier_sequences (agency, "day", "last") VALUES ({agency}, {day}, 1)
            ON CONFLICT (agency, "day") DO UPDATE SET "last" = dossier_sequences."last" + 1
            RETURNING "last" AS "Value"
            """).ToListAsync(cancellationToken)).Single();
        var code = DossierCodes.Format(agency, day, sequence);
        var kind = HostOutboxKinds.StatusChanged;
        await db.Database.ExecuteSqlAsync($"UPDATE dossiers SET code = {code} WHERE id = {id}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"UPDATE instances SET data = json_set(data, '$.dossier.code', {code}) WHERE id = {id}", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE outbox SET payload = json_set(payload, '$.dossierCode', {code}) WHERE instance_id = {id} AND kind = {kind}",
            cancellationToken);
        Code = code;
    }

    public override NpgsqlBatchCommand PostgresLead() => Command(PostgresLeadSql, withInstance: false);

    public override async Task ReadLeadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Code = await reader.ReadAsync(cancellationToken)
            ? reader.GetString(0)
            : throw new InvalidOperationException($"Dossier {id} was not numbered.");
    }

    public override string? ColumnSql(EntityEntry entry, IProperty property)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(property);
        return (entry.Entity, property.Name) switch
        {
            // The placeholder only if the setting were missing (it is not, after the lead statement): every parameter
            // of the statement stays referenced, so the server always knows its type.
            (DossierRow d, nameof(DossierRow.Code)) when d.Id == id => $"coalesce(current_setting('workflows.dossier_code', true), {{0}})",
            (InstanceRow i, nameof(InstanceRow.Data)) when i.Id == id => $"jsonb_set({{0}}, '{{{{dossier,code}}}}', to_jsonb({Setting}))",
            (OutboxRow o, nameof(OutboxRow.Payload)) when o.InstanceId == id && o.Kind == HostOutboxKinds.StatusChanged =>
                $"{{0}} || jsonb_build_object('dossierCode', {Setting})",
            _ => null,
        };
    }

    private NpgsqlBatchCommand Command(string sql, bool withInstance)
    {
        var command = new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = agency },
                new NpgsqlParameter<DateOnly> { TypedValue = day },
                new NpgsqlParameter<string> { TypedValue = string.Create(CultureInfo.InvariantCulture, $"{agency}-{day:yyMMdd}-") },
            },
        };
        if (withInstance)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = HostOutboxKinds.StatusChanged });
        }

        return command;
    }
}

/// <summary>The intake system already sent a dossier with this externalCode: nothing is written, the caller replays it.</summary>
internal sealed class AlreadyReceivedException() : Exception("The dossier was already received.");
