-- Every event an active conversation receives touches it (its last activity, channels, last channel, count), and the
-- contact's index held the last activity as a key: each touch moved the conversation's entry in it — one more B-tree page
-- written at random per ingested event, and copied back at the next checkpoint. The contact's conversations are now found
-- by (contact_id, status): the active one by both keys, the latest of any status by sorting the contact's few rows.
-- With the touch that assigns neither status nor ended_at to a conversation it read as active (SQLite rewrites an index's
-- entry whenever an UPDATE assigns one of its columns, even to the value it had: InteractionRecorder.TouchActiveConversationSql),
-- measured on 100k contacts / 1M interactions (wrk from outside, 90% known contacts, 2026-11-28, builds alternating):
-- ingest 5,374–5,653 → 6,316–7,322 req/s, bytes written per event (log and checkpoint) ~41 → ~35 KB.
-- ix_conversations_status keeps the last activity: the active list reads newest first from it (sorting every active
-- conversation instead: 1.5 → 135 ms a list at 78k active, for ~4% more ingest).
-- PostgreSQL keeps its indexes: an update there that cannot be HOT writes an entry in every index whatever its keys.
DROP INDEX ix_conversations_contact;
CREATE INDEX ix_conversations_contact ON conversations(contact_id, status);
