using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

/// <summary>
/// GDPR: export everything held on a contact; erase its personal data while keeping anonymous rows
/// (channel, direction, times, durations, statuses), so that reports for past periods do not change.
/// </summary>
public sealed class ContactPrivacy(Db db, EventLog events, IEnumerable<IErasureParticipant> participants, TimeProvider clock)
{
    private const string ContactRowSql = "SELECT * FROM contacts WHERE id = @id OR merged_into_id = @id ORDER BY id";
    private const string IdentifierRowsSql = "SELECT * FROM contact_identifiers WHERE contact_id = @id ORDER BY id";
    private const string ConversationRowsSql = "SELECT * FROM conversations WHERE contact_id = @id ORDER BY id";
    private const string InteractionRowsSql = "SELECT * FROM interactions WHERE contact_id = @id ORDER BY occurred_at, id";
    private const string NoteRowsSql = "SELECT * FROM conversation_notes WHERE contact_id = @id ORDER BY id";
    private const string FollowUpRowsSql = "SELECT * FROM follow_ups WHERE contact_id = @id ORDER BY id";
    private const string ConsentRowsSql = "SELECT * FROM consents WHERE contact_id = @id ORDER BY id";
    private const string CampaignSendRowsSql = "SELECT * FROM campaign_sends WHERE contact_id = @id ORDER BY id";
    private const string MergeRowsSql = "SELECT * FROM merge_journal WHERE target_contact_id = @id OR source_contact_id = @id ORDER BY id";
    private const string AuditRowsSql = "SELECT * FROM audit_log WHERE contact_id = @id ORDER BY id";
    private const string WrapUpRowsSql = """
        SELECT w.conversation_id, c.code, w.version_id, w.interaction_id, w.applied_by, w.applied_at
        FROM conversation_wrap_ups w JOIN conversations cv ON cv.id = w.conversation_id JOIN wrap_up_codes c ON c.id = w.code_id
        WHERE cv.contact_id = @id ORDER BY w.id
        """;
    private const string ContactTagRowsSql = "SELECT tag, created_at FROM contact_tags WHERE contact_id = @id ORDER BY tag";
    private const string ConversationTagRowsSql = """
        SELECT t.conversation_id, t.tag, t.created_at FROM conversation_tags t JOIN conversations cv ON cv.id = t.conversation_id
        WHERE cv.contact_id = @id ORDER BY t.conversation_id, t.tag
        """;
    private const string AttributeRowsSql = "SELECT attr_key, value, updated_at FROM contact_attributes WHERE contact_id = @id ORDER BY attr_key";
    private const string EventRowsSql = "SELECT id, position, type, occurred_at, data FROM events WHERE contact_id = @id ORDER BY id";
    // Other features' records of the contact: call recordings and transcriptions, satisfaction surveys, what CRM connectors wrote.
    private const string RecordingRowsSql = """
        SELECT recording_sid, call_sid, status, duration_seconds, voicemail, transcription_status, transcription_text, created_at FROM recordings
        WHERE call_sid IN (SELECT provider_ref FROM interactions WHERE provider = 'twilio' AND contact_id = @id) ORDER BY id
        """;
    private const string SurveyRowsSql = "SELECT conversation_id, channel, agent, sent_at, score, answered_at FROM csat_surveys WHERE contact_id = @id ORDER BY id";
    private const string CrmWriteRowsSql = "SELECT connector, interaction_id, crm_id, written_at FROM crm_writes WHERE contact_id = @id ORDER BY connector, interaction_id";

    /// <summary>Every row about the contact, table by table, as stored.</summary>
    public async Task<Dictionary<string, object>> ExportAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var export = new Dictionary<string, object> { ["contactId"] = id, ["exportedAt"] = clock.GetUtcNow() };
        foreach (var (name, sql) in new[]
        {
            ("contacts", ContactRowSql), ("identifiers", IdentifierRowsSql), ("conversations", ConversationRowsSql), ("interactions", InteractionRowsSql),
            ("notes", NoteRowsSql), ("followUps", FollowUpRowsSql), ("consents", ConsentRowsSql), ("campaignSends", CampaignSendRowsSql),
            ("merges", MergeRowsSql), ("auditEntries", AuditRowsSql), ("wrapUps", WrapUpRowsSql), ("tags", ContactTagRowsSql),
            ("conversationTags", ConversationTagRowsSql), ("attributes", AttributeRowsSql), ("events", EventRowsSql),
            ("recordings", RecordingRowsSql), ("satisfactionSurveys", SurveyRowsSql), ("crmWrites", CrmWriteRowsSql),
        })
            export[name] = (await connection.QueryAsync(new CommandDefinition(db.Sql(sql), new { id }, cancellationToken: ct))).ToList();
        return export;
    }

    private const string EraseContactSql = """
        UPDATE contacts SET display_name = NULL, name_key = NULL, external_id = NULL, erased_at = @now, updated_at = @now
        WHERE (id = @id OR merged_into_id = @id) AND erased_at IS NULL
        """;
    private const string EraseIdentifiersSql = "DELETE FROM contact_identifiers WHERE contact_id = @id";
    private const string EraseNameWordsSql = "DELETE FROM contact_name_words WHERE contact_id IN (SELECT id FROM contacts WHERE id = @id OR merged_into_id = @id)";
    private const string EraseInteractionsSql = """
        UPDATE interactions SET subject = NULL, body = NULL, metadata = NULL, error = NULL,
            provider_ref = CASE WHEN provider = 'email' THEN NULL ELSE provider_ref END, updated_at = @now
        WHERE contact_id = @id
        """;
    private const string EraseConversationsSql = "UPDATE conversations SET subject = NULL, summary = NULL WHERE contact_id = @id";
    private const string EraseNotesSql = "UPDATE conversation_notes SET body = '', author = NULL WHERE contact_id = @id";
    private const string EraseFollowUpsSql = "UPDATE follow_ups SET title = '(erased)', notes = NULL WHERE contact_id = @id";
    private const string EraseConsentsSql = "DELETE FROM consents WHERE contact_id = @id";
    private const string EraseAttributesSql = "DELETE FROM contact_attributes WHERE contact_id IN (SELECT id FROM contacts WHERE id = @id OR merged_into_id = @id)";
    private const string EraseContactTagsSql = "DELETE FROM contact_tags WHERE contact_id IN (SELECT id FROM contacts WHERE id = @id OR merged_into_id = @id)";
    private const string EraseConversationTagsSql = "DELETE FROM conversation_tags WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = @id)";
    private const string EraseOutboxSql = """
        UPDATE outbox SET payload = '{}', status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
            last_error = CASE WHEN status = 'pending' THEN 'contact erased' ELSE last_error END
        WHERE interaction_id IN (SELECT id FROM interactions WHERE contact_id = @id)
        """;
    private const string ResolveDuplicatesSql = """
        UPDATE duplicate_candidates SET resolved_at = @now WHERE (contact_id = @id OR other_contact_id = @id) AND resolved_at IS NULL
        """;
    private const string ExistsSql = "SELECT COUNT(*) FROM contacts WHERE id = @id AND merged_into_id IS NULL";

    /// <summary>True for a live or an erased contact (an erased one can still be exported: what remains is anonymous).</summary>
    public async Task<bool> ExistsAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(ExistsSql), new { id }, cancellationToken: ct)) > 0;
    }

    private const string ContactIdsSql = "SELECT id FROM contacts WHERE id = @id OR merged_into_id = @id";

    private const string IsErasableSql = "SELECT COUNT(*) FROM contacts WHERE id = @id AND erased_at IS NULL AND merged_into_id IS NULL";

    /// <summary>False when the contact does not exist, was merged away or is already erased.</summary>
    public Task<bool> EraseAsync(long id, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(IsErasableSql), new { id }, tx, cancellationToken: ct)) == 0) return false;
            var args = new { id, now = clock.GetUtcNow() };
            var ids = (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(ContactIdsSql), new { id }, tx, cancellationToken: ct))).AsList();
            foreach (var participant in participants) await participant.EraseAsync(connection, tx, ids, args.now, ct);
            // The outbox first: it finds the contact's messages through interactions, which stay.
            foreach (var sql in new[] { EraseOutboxSql, EraseInteractionsSql, EraseConversationsSql, EraseNotesSql, EraseFollowUpsSql, EraseConsentsSql, EraseContactTagsSql, EraseConversationTagsSql, EraseAttributesSql,
                         EraseIdentifiersSql, EraseNameWordsSql, ResolveDuplicatesSql, EraseContactSql })
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), args, tx, cancellationToken: ct));
            // What the log said of the contact goes too (a delivery not yet sent carries the scrubbed payload); the erasure itself is told.
            await events.ScrubAsync(connection, tx, id, ct);
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactErased, id, new { contactId = id, erasedAt = args.now }), ct);
            return true;
        }, ct);
}
