using System.Data.Common;
using System.Text.Json;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;

namespace ContactHub.Contacts;

public sealed record MergeResult(long MergeId, long TargetContactId, long SourceContactId, MergeJournal Moved);

public enum MergeOutcome { Merged, NotFound, Invalid }

/// <summary>Exactly what a merge moved, so that undo puts back those rows and no others.</summary>
public sealed record MergeJournal(long[] Identifiers, long[] Conversations, long[] Interactions, long[] Notes, long[] FollowUps, long[] Consents,
    long[] Duplicates, string? TargetNameBefore, DateTimeOffset TargetUpdatedAtBefore, DateTimeOffset SourceUpdatedAtBefore)
{
    /// <summary>The source's tags the target did not have, given to the target (the source keeps its own rows, for undo). Empty in older journals.</summary>
    public string[] Tags { get; init; } = [];
}

/// <summary>
/// Merge moves everything of the source contact to the target in one transaction and writes a journal;
/// undo moves back exactly the journalled rows. A consent the target already has for a channel stays with the source.
/// </summary>
public sealed class MergeStore(Db db, ContactNames names, EventLog events, TimeProvider clock)
{
    private sealed record Party(long Id, string? DisplayName, DateTimeOffset UpdatedAt, long? MergedIntoId, DateTimeOffset? ErasedAt);

    private const string PartySql = "SELECT id, display_name, updated_at, merged_into_id, erased_at FROM contacts WHERE id = @id";

    private const string SourceIdentifiersSql = "SELECT id FROM contact_identifiers WHERE contact_id = @source";
    private const string SourceConversationsSql = "SELECT id FROM conversations WHERE contact_id = @source";
    private const string SourceInteractionsSql = "SELECT id FROM interactions WHERE contact_id = @source";
    private const string SourceNotesSql = "SELECT id FROM conversation_notes WHERE contact_id = @source";
    private const string SourceFollowUpsSql = "SELECT id FROM follow_ups WHERE contact_id = @source";
    private const string MovableConsentsSql = """
        SELECT id FROM consents s WHERE s.contact_id = @source
          AND NOT EXISTS (SELECT 1 FROM consents t WHERE t.contact_id = @target AND t.channel = s.channel)
        """;
    private const string NewTagsSql = """
        SELECT s.tag FROM contact_tags s WHERE s.contact_id = @source
          AND NOT EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = @target AND t.tag = s.tag)
        """;
    private const string GiveTagSql = "INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (@target, @tag, @now)";
    private const string TakeBackTagSql = "DELETE FROM contact_tags WHERE contact_id = @target AND tag = @tag";
    private const string PairDuplicatesSql = """
        SELECT id FROM duplicate_candidates WHERE resolved_at IS NULL
          AND ((contact_id = @source AND other_contact_id = @target) OR (contact_id = @target AND other_contact_id = @source))
        """;

    private const string MoveIdentifiersSql = "UPDATE contact_identifiers SET contact_id = @to WHERE id {IN:@ids}";
    private const string MoveConversationsSql = "UPDATE conversations SET contact_id = @to WHERE id {IN:@ids}";
    private const string MoveInteractionsSql = "UPDATE interactions SET contact_id = @to WHERE id {IN:@ids}";
    private const string MoveNotesSql = "UPDATE conversation_notes SET contact_id = @to WHERE id {IN:@ids}";
    private const string MoveFollowUpsSql = "UPDATE follow_ups SET contact_id = @to WHERE id {IN:@ids}";
    private const string MoveConsentsSql = "UPDATE consents SET contact_id = @to WHERE id {IN:@ids}";
    private const string ResolveDuplicatesSql = "UPDATE duplicate_candidates SET resolved_at = @at WHERE id {IN:@ids}";

    private const string MarkMergedSql = "UPDATE contacts SET merged_into_id = @target, updated_at = @now WHERE id = @source";
    private const string FillTargetNameSql = """
        UPDATE contacts SET display_name = @name, name_key = @nameKey, updated_at = @now WHERE id = @target AND display_name IS NULL
        """;

    private const string InsertJournalSql = """
        INSERT INTO merge_journal (target_contact_id, source_contact_id, moved, merged_by, merged_at) {OUTPUT_ID}
        VALUES (@target, @source, @moved, @actor, @now) {RETURNING_ID}
        """;

    public async Task<(MergeOutcome Outcome, string? Problem, MergeResult? Result)> MergeAsync(long target, long source, string? actor, CancellationToken ct = default)
    {
        if (target == source) return (MergeOutcome.Invalid, "A contact cannot be merged into itself.", null);
        return await db.InTransactionAsync(async (connection, tx) =>
        {
            var t = await Get(connection, tx, target, ct);
            var s = await Get(connection, tx, source, ct);
            if (t is null || s is null) return (MergeOutcome.NotFound, $"Contact {(t is null ? target : source)} does not exist.", (MergeResult?)null);
            if (t.MergedIntoId is not null || t.ErasedAt is not null) return (MergeOutcome.Invalid, $"Contact {target} was merged or erased.", null);
            if (s.MergedIntoId is not null || s.ErasedAt is not null) return (MergeOutcome.Invalid, $"Contact {source} was merged or erased.", null);

            var args = new { source, target };
            var journal = new MergeJournal(
                await Ids(connection, tx, SourceIdentifiersSql, args, ct), await Ids(connection, tx, SourceConversationsSql, args, ct),
                await Ids(connection, tx, SourceInteractionsSql, args, ct), await Ids(connection, tx, SourceNotesSql, args, ct),
                await Ids(connection, tx, SourceFollowUpsSql, args, ct), await Ids(connection, tx, MovableConsentsSql, args, ct),
                await Ids(connection, tx, PairDuplicatesSql, args, ct), t.DisplayName, t.UpdatedAt, s.UpdatedAt)
            {
                Tags = (await connection.QueryAsync<string>(new CommandDefinition(NewTagsSql, args, tx, cancellationToken: ct))).ToArray(),
            };

            var now = clock.GetUtcNow();
            await Move(connection, tx, journal, target, now, ct);
            foreach (var tag in journal.Tags)
                await connection.ExecuteAsync(new CommandDefinition(GiveTagSql, new { target, tag, now }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkMergedSql), new { target, source, now }, tx, cancellationToken: ct));
            if (t.DisplayName is null && s.DisplayName is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(FillTargetNameSql),
                    new { target, name = s.DisplayName, nameKey = ContactRecognizer.NameKey(s.DisplayName), now }, tx, cancellationToken: ct));
                await names.IndexAsync(connection, tx, target, s.DisplayName, ct);
            }
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertJournalSql),
                new { target, source, moved = JsonSerializer.Serialize(journal), actor, now }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactMerged, target, new
            {
                mergeId = id, contactId = target, sourceContactId = source, moved = Counts(journal),
            }), ct);
            return (MergeOutcome.Merged, (string?)null, new MergeResult(id, target, source, journal));
        }, ct);
    }

    private sealed record JournalRow(long Id, long TargetContactId, long SourceContactId, string Moved, DateTimeOffset? UndoneAt);

    private const string JournalSql = "SELECT id, target_contact_id, source_contact_id, moved, undone_at FROM merge_journal WHERE id = @id";

    private const string RestoreSourceSql = "UPDATE contacts SET merged_into_id = NULL, updated_at = @at WHERE id = @source";
    private const string RestoreTargetSql = """
        UPDATE contacts SET display_name = @name, name_key = @nameKey, updated_at = @at WHERE id = @target
        """;
    private const string ReopenDuplicatesSql = "UPDATE duplicate_candidates SET resolved_at = NULL WHERE id {IN:@ids}";
    private const string MarkUndoneSql = "UPDATE merge_journal SET undone_at = @now, undone_by = @actor WHERE id = @id";

    public async Task<(MergeOutcome Outcome, string? Problem)> UndoAsync(long mergeId, string? actor, CancellationToken ct = default) =>
        await db.InTransactionAsync(async (connection, tx) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<JournalRow>(new CommandDefinition(db.Sql(JournalSql), new { id = mergeId }, tx, cancellationToken: ct));
            if (row is null) return (MergeOutcome.NotFound, $"Merge {mergeId} does not exist.");
            if (row.UndoneAt is not null) return (MergeOutcome.Invalid, $"Merge {mergeId} was already undone.");
            var target = await Get(connection, tx, row.TargetContactId, ct);
            if (target is null || target.MergedIntoId is not null || target.ErasedAt is not null)
                return (MergeOutcome.Invalid, $"Contact {row.TargetContactId} was merged or erased since; undo that first.");

            var journal = JsonSerializer.Deserialize<MergeJournal>(row.Moved)!;
            await Move(connection, tx, journal with { Duplicates = [] }, row.SourceContactId, null, ct);
            foreach (var tag in journal.Tags)
                await connection.ExecuteAsync(new CommandDefinition(TakeBackTagSql, new { target = row.TargetContactId, tag }, tx, cancellationToken: ct));
            foreach (var chunk in journal.Duplicates.Chunk(500))
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(ReopenDuplicatesSql), new { ids = chunk }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(RestoreSourceSql), new { source = row.SourceContactId, at = journal.SourceUpdatedAtBefore }, tx, cancellationToken: ct));
            if (journal.TargetNameBefore is null) // the merge may have given the target the source's name
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(RestoreTargetSql), new
                {
                    target = row.TargetContactId, name = (string?)null, nameKey = (string?)null, at = journal.TargetUpdatedAtBefore,
                }, tx, cancellationToken: ct));
            if (journal.TargetNameBefore is null) await names.IndexAsync(connection, tx, row.TargetContactId, null, ct);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkUndoneSql), new { id = mergeId, now = clock.GetUtcNow(), actor }, tx, cancellationToken: ct));
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ContactMergeUndone, row.TargetContactId, new
            {
                mergeId, contactId = row.TargetContactId, sourceContactId = row.SourceContactId, moved = Counts(journal),
            }), ct);
            return (MergeOutcome.Merged, (string?)null);
        }, ct);

    /// <summary>Points every journalled row at one contact; in chunks, as SQL Server takes at most 2,100 parameters.</summary>
    private async Task Move(DbConnection connection, DbTransaction tx, MergeJournal journal, long to, DateTimeOffset? resolvedAt, CancellationToken ct)
    {
        (string Sql, long[] Ids)[] moves =
        [
            (MoveIdentifiersSql, journal.Identifiers), (MoveConversationsSql, journal.Conversations), (MoveInteractionsSql, journal.Interactions),
            (MoveNotesSql, journal.Notes), (MoveFollowUpsSql, journal.FollowUps), (MoveConsentsSql, journal.Consents),
        ];
        foreach (var (sql, ids) in moves)
            foreach (var chunk in ids.Chunk(500))
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(sql), new { to, ids = chunk }, tx, cancellationToken: ct));
        foreach (var chunk in journal.Duplicates.Chunk(500))
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ResolveDuplicatesSql), new { at = resolvedAt, ids = chunk }, tx, cancellationToken: ct));
    }

    private static object Counts(MergeJournal j) => new
    {
        identifiers = j.Identifiers.Length, conversations = j.Conversations.Length, interactions = j.Interactions.Length,
        notes = j.Notes.Length, followUps = j.FollowUps.Length, consents = j.Consents.Length, tags = j.Tags.Length,
    };

    private async Task<Party?> Get(DbConnection connection, DbTransaction tx, long id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<Party>(new CommandDefinition(db.Sql(PartySql), new { id }, tx, cancellationToken: ct));

    private async Task<long[]> Ids(DbConnection connection, DbTransaction tx, string sql, object args, CancellationToken ct) =>
        (await connection.QueryAsync<long>(new CommandDefinition(db.Sql(sql), args, tx, cancellationToken: ct))).ToArray();
}
