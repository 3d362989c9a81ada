using System.Data.Common;
using ContactHub.Contacts;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Channels.Twilio;

/// <summary>A call's recording (or the voicemail left) with its transcription, attached to the call's interaction by CallSid.</summary>
public sealed record Recording(long Id, string RecordingSid, string CallSid, string Status, long? DurationSeconds, bool Voicemail,
    string? TranscriptionStatus, string? TranscriptionText, long? InteractionId, DateTimeOffset CreatedAt);

/// <summary>A recording as a page or an API client sees it: how to play it (a short-lived ContactHub URL), never Twilio's.</summary>
public sealed record RecordingLink(long Id, long? DurationSeconds, bool Voicemail, string Status, string? TranscriptionStatus, string? Transcription,
    string PlayUrl, DateTimeOffset PlayUrlExpiresAt);

/// <summary>
/// Recordings and their transcriptions, and the recordings still to delete at Twilio (an erasure, or a recording whose call
/// is gone). The audio itself stays at Twilio and is proxied (see RecordingEndpoints); only the sids and the text are kept here.
/// </summary>
public sealed class RecordingStore(Db db, TimeProvider clock) : IErasureParticipant, IContactSearchSource
{
    private sealed record Row(long Id, string RecordingSid, string CallSid, string Status, long? DurationSeconds, long Voicemail,
        string? TranscriptionStatus, string? TranscriptionText, long? InteractionId, DateTimeOffset CreatedAt)
    {
        public Recording ToRecording() => new(Id, RecordingSid, CallSid, Status, DurationSeconds, Voicemail == 1, TranscriptionStatus, TranscriptionText, InteractionId, CreatedAt);
    }

    private const string Columns = """
        SELECT r.id, r.recording_sid, r.call_sid, r.status, r.duration_seconds, r.voicemail, r.transcription_status, r.transcription_text,
               i.id AS interaction_id, r.created_at
        FROM recordings r LEFT JOIN interactions i ON i.provider = 'twilio' AND i.provider_ref = r.call_sid
        """ + "\n";

    private const string UpdateSql = """
        UPDATE recordings SET status = @status, duration_seconds = COALESCE(@duration, duration_seconds), voicemail = CASE WHEN @voicemail = 1 THEN 1 ELSE voicemail END,
            updated_at = @now
        WHERE recording_sid = @recordingSid
        """;

    private const string InsertSql = """
        INSERT INTO recordings (recording_sid, call_sid, status, duration_seconds, voicemail, created_at, updated_at)
        SELECT @recordingSid, @callSid, @status, @duration, @voicemail, @now, @now
        WHERE NOT EXISTS (SELECT 1 FROM recordings {LOCK} WHERE recording_sid = @recordingSid)
          AND NOT EXISTS (SELECT 1 FROM twilio_deletions WHERE recording_sid = @recordingSid) {ON_CONFLICT_IGNORE}
        """;

    private const string TranscriptionSql = """
        UPDATE recordings SET transcription_sid = @transcriptionSid, transcription_status = @status, transcription_text = @text, updated_at = @now
        WHERE recording_sid = @recordingSid
        """;

    /// <summary>Stores or updates a recording from Twilio's status callback (a retried callback changes nothing); false when it was already deleted.</summary>
    public Task<bool> SaveAsync(string recordingSid, string callSid, string status, long? duration, bool voicemail, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new { recordingSid, callSid, status, duration, voicemail = voicemail ? 1 : 0, now = clock.GetUtcNow() };
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) > 0) return true;
            return await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, tx, cancellationToken: ct)) > 0;
        }, ct);

    /// <summary>Stores the transcription Twilio made of a recording; false when the recording is unknown here.</summary>
    public async Task<bool> SaveTranscriptionAsync(string recordingSid, string? transcriptionSid, string status, string? text, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(TranscriptionSql),
            new { recordingSid, transcriptionSid, status, text, now = clock.GetUtcNow() }, cancellationToken: ct)) > 0;
    }

    public async Task<Recording?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(Columns + "WHERE r.id = @id"), new { id }, cancellationToken: ct)))?.ToRecording();
    }

    private const string ForInteractionsSql = """
        SELECT r.id, r.recording_sid, r.call_sid, r.status, r.duration_seconds, r.voicemail, r.transcription_status, r.transcription_text,
               i.id AS interaction_id, r.created_at
        FROM interactions i JOIN recordings r ON r.call_sid = i.provider_ref
        WHERE i.id {IN:@ids} AND i.provider = 'twilio' AND i.channel = 'call'
        ORDER BY r.created_at, r.id
        """;

    /// <summary>The recordings of these interactions (calls recorded through Twilio), by interaction.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<Recording>>> ForInteractionsAsync(IReadOnlyCollection<long> interactionIds, CancellationToken ct)
    {
        if (interactionIds.Count == 0) return new Dictionary<long, IReadOnlyList<Recording>>();
        await using var connection = await db.OpenAsync(ct);
        var rows = new List<Row>();
        foreach (var chunk in interactionIds.Distinct().Chunk(500))
            rows.AddRange(await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ForInteractionsSql), new { ids = chunk }, cancellationToken: ct)));
        return rows.GroupBy(r => r.InteractionId!.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<Recording>)g.Select(r => r.ToRecording()).ToList());
    }

    private const string TranscriptSearchSql = """
        SELECT i.contact_id FROM recordings r JOIN interactions i ON i.provider = 'twilio' AND i.provider_ref = r.call_sid
        WHERE LOWER(r.transcription_text) LIKE @pattern ESCAPE '\'
        ORDER BY r.created_at DESC, r.id DESC {LIMIT:@limit}
        """;

    /// <summary>Contacts whose recordings' transcriptions mention the text, whatever its case.</summary>
    public async Task<IReadOnlyList<long>> FindContactsAsync(string text, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var pattern = "%" + text.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        return (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(TranscriptSearchSql), new { pattern, limit }, cancellationToken: ct))).Distinct().ToList();
    }

    private const string InteractionExistsSql = "SELECT COUNT(*) FROM interactions WHERE id = @id";

    public async Task<bool> InteractionExistsAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InteractionExistsSql), new { id }, cancellationToken: ct)) > 0;
    }

    private const string QueueErasedSql = """
        INSERT INTO twilio_deletions (recording_sid, reason, attempts, next_attempt_at, created_at)
        SELECT r.recording_sid, 'erasure', 0, @now, @now FROM recordings r
        WHERE r.call_sid IN (SELECT provider_ref FROM interactions WHERE provider = 'twilio' AND contact_id {IN:@ids})
          AND NOT EXISTS (SELECT 1 FROM twilio_deletions d WHERE d.recording_sid = r.recording_sid)
        """;

    private const string DeleteErasedSql = """
        DELETE FROM recordings WHERE call_sid IN (SELECT provider_ref FROM interactions WHERE provider = 'twilio' AND contact_id {IN:@ids})
        """;

    /// <summary>An erased contact's recordings and transcriptions go at once; deleting the audio at Twilio is queued in the same transaction.</summary>
    public async Task EraseAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, DateTimeOffset now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(QueueErasedSql), new { ids = contactIds, now }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteErasedSql), new { ids = contactIds }, transaction, cancellationToken: ct));
    }

    private const string QueueOrphansSql = """
        INSERT INTO twilio_deletions (recording_sid, reason, attempts, next_attempt_at, created_at)
        SELECT r.recording_sid, 'retention', 0, @now, @now FROM recordings r
        WHERE r.created_at < @cutoff
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.provider = 'twilio' AND i.provider_ref = r.call_sid)
          AND NOT EXISTS (SELECT 1 FROM twilio_deletions d WHERE d.recording_sid = r.recording_sid)
        """;

    private const string DeleteQueuedSql = "DELETE FROM recordings WHERE recording_sid IN (SELECT recording_sid FROM twilio_deletions)";

    /// <summary>
    /// Recordings whose call is gone (deleted by retention, or never recorded here) for longer than <paramref name="cutoff"/>
    /// allows are queued for deletion at Twilio; the count queued.
    /// </summary>
    public Task<int> QueueOrphansAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var queued = await connection.ExecuteAsync(new CommandDefinition(db.Sql(QueueOrphansSql), new { cutoff, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteQueuedSql), transaction: tx, cancellationToken: ct));
            return queued;
        }, ct);

    public sealed record Deletion(long Id, string RecordingSid, string Reason, long Attempts);

    private const string DueDeletionsSql = """
        SELECT id, recording_sid, reason, attempts FROM twilio_deletions WHERE next_attempt_at <= @now ORDER BY next_attempt_at, id {LIMIT:50}
        """;

    private const string PostponeSql = """
        UPDATE twilio_deletions SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE id = @id AND attempts = @attempts
        """;

    private const string RetrySql = "UPDATE twilio_deletions SET next_attempt_at = @next, last_error = @error WHERE id = @id";

    private const string DoneSql = "DELETE FROM twilio_deletions WHERE id = @id";

    private const string PendingSql = "SELECT COUNT(*) FROM twilio_deletions";

    /// <summary>Claims due deletions: each is pushed back by <paramref name="lease"/> first, so that another node does not take it meanwhile.</summary>
    public async Task<IReadOnlyList<Deletion>> ClaimDeletionsAsync(TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var now = clock.GetUtcNow();
        var claimed = new List<Deletion>();
        foreach (var d in await connection.QueryAsync<Deletion>(new CommandDefinition(db.Sql(DueDeletionsSql), new { now }, cancellationToken: ct)))
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(PostponeSql), new { id = d.Id, attempts = d.Attempts, next = now + lease, error = (string?)null }, cancellationToken: ct)) == 1)
                claimed.Add(d with { Attempts = d.Attempts + 1 });
        return claimed;
    }

    public async Task CompleteDeletionAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(DoneSql), new { id }, cancellationToken: ct));
    }

    public async Task RetryDeletionAsync(Deletion deletion, DateTimeOffset next, string error, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(RetrySql), new { id = deletion.Id, next, error = error[..Math.Min(error.Length, 400)] }, cancellationToken: ct));
    }

    public async Task<long> PendingDeletionsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(PendingSql), cancellationToken: ct));
    }
}
