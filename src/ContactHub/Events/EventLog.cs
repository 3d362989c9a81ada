using System.Data.Common;
using System.Text.Json;
using ContactHub.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace ContactHub.Events;

/// <summary>
/// The durable event log. A store appends its events on the connection and in the transaction of the change itself: the
/// change and its events commit together or not at all. The appended row has no cursor yet; <see cref="EventSequencer"/>
/// gives it one once it is committed, and only then do the feed, the stream and the subscriptions see it.
/// </summary>
public sealed class EventLog(Db db, EventSignals signals, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private const string AppendSql = """
        INSERT INTO events (position, type, contact_id, conversation_id, interaction_id, channel, agent, changed, data, occurred_at)
        VALUES ({EVENT_POSITION}, @type, @contactId, @conversationId, @interactionId, @channel, @agent, @changed, @data, @now)
        """;

    public async Task AppendAsync(DbConnection connection, DbTransaction transaction, NewEvent e, CancellationToken ct)
    {
        await db.Prepared(connection, transaction, AppendSql, Parameters(e)).ExecuteNonQueryAsync(ct);
        signals.Appended();
    }

    /// <summary>Appends in order; on the server engines in one round trip per thousand (see <see cref="StatementBatches"/>).</summary>
    public async Task AppendAsync(DbConnection connection, DbTransaction transaction, IEnumerable<NewEvent> events, CancellationToken ct)
    {
        var rows = events.Select(Parameters).ToList();
        if (rows.Count == 0) return;
        await db.RunEachAsync(connection, transaction, AppendSql, rows, returnsId: false, ct);
        signals.Appended();
    }

    private static readonly PostgresCopy.Column[] CopyColumns =
    [
        new("type", NpgsqlDbType.Varchar), new("contact_id", NpgsqlDbType.Bigint), new("conversation_id", NpgsqlDbType.Bigint),
        new("interaction_id", NpgsqlDbType.Bigint), new("channel", NpgsqlDbType.Varchar), new("agent", NpgsqlDbType.Varchar),
        new("changed", NpgsqlDbType.Varchar), new("data", NpgsqlDbType.Text), new("occurred_at", NpgsqlDbType.TimestampTz),
    ];

    /// <summary>Appends in order with PostgreSQL's <c>COPY</c> (the import's bulk path): the same rows as <see cref="AppendAsync(DbConnection, DbTransaction, IEnumerable{NewEvent}, CancellationToken)"/>.</summary>
    public async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await PostgresCopy.WriteAsync(connection, "events", CopyColumns, events.Select(e => Parameters(e).Select(p => p.Value).ToArray()), ct);
        signals.Appended();
    }

    /// <summary>
    /// The statements that append <paramref name="events"/> in order, to send with others (<see cref="StatementBatches.RunTogetherAsync"/>,
    /// which writes adjacent ones as one statement where the engine batches); then call <see cref="Appended"/>.
    /// </summary>
    internal IEnumerable<(string Portable, (string Name, object? Value)[] Row)> Statements(params NewEvent[] events) =>
        events.Select(e => (AppendSql, Parameters(e)));

    /// <summary>Wakes the dispatchers once appended events are written.</summary>
    internal void Appended() => signals.Appended();

    private (string Name, object? Value)[] Parameters(NewEvent e) =>
    [
        ("type", e.Type), ("contactId:Int64", e.ContactId), ("conversationId:Int64", e.ConversationId),
        ("interactionId:Int64", e.InteractionId), ("channel:String", e.Channel), ("agent:String", Clip(e.Agent, 200)),
        ("changed:String", e.Changed is { Count: > 0 } changed ? Clip(string.Join(',', changed), 400) : null),
        ("data", JsonSerializer.Serialize(e.Data, Json)), ("now", clock.GetUtcNow()),
    ];

    private const string ReadSql = """
        SELECT id, position, type, contact_id, channel, agent, changed, data, occurred_at FROM events
        WHERE position > @after AND (@contactId IS NULL OR contact_id = @contactId) AND (@allTypes = 1 OR type {IN:@types})
        ORDER BY position {LIMIT:@limit}
        """;

    /// <summary>Sequenced events after a cursor, oldest first (keyset: the last row's position is the next call's <paramref name="after"/>).</summary>
    public async Task<IReadOnlyList<EventRow>> ReadAsync(long after, IReadOnlyList<string> types, long? contactId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<EventRow>(new CommandDefinition(db.Sql(ReadSql),
            new { after, contactId, allTypes = types.Count == 0 ? 1 : 0, types = types.Count == 0 ? new[] { "-" } : types.ToArray(), limit }, cancellationToken: ct))).AsList();
    }

    private const string HeadSql = "SELECT COALESCE(MAX(position), 0) FROM events";

    /// <summary>The newest cursor: a stream that starts now starts after it.</summary>
    public async Task<long> HeadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(HeadSql, cancellationToken: ct));
    }

    private const string ScrubSql = """
        UPDATE events SET data = @data, agent = NULL, changed = NULL WHERE contact_id = @contactId AND type <> @erased
        """;

    /// <summary>An erased contact's earlier events keep their type, time and ids and lose everything else.</summary>
    public Task<int> ScrubAsync(DbConnection connection, DbTransaction transaction, long contactId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(db.Sql(ScrubSql),
            new { contactId, erased = EventTypes.ContactErased, data = JsonSerializer.Serialize(new { contactId, scrubbed = true }, Json) }, transaction, cancellationToken: ct));

    private const string DeleteOldDeliveriesSql = """
        DELETE FROM event_deliveries WHERE event_id IN (SELECT id FROM events WHERE occurred_at < @cutoff AND position IS NOT NULL)
        """;

    private const string DeleteOldSql = "DELETE FROM events WHERE occurred_at < @cutoff AND position IS NOT NULL";

    /// <summary>Retention: events older than the cutoff, with their deliveries (a consumer further behind than that reads on from what remains).</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteOldDeliveriesSql, new { cutoff }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(DeleteOldSql, new { cutoff }, tx, cancellationToken: ct));
        }, ct);

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
