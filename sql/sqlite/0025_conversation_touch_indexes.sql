-- Every event an active conversation receives touches it (its last activity, channels, last channel, count), and two
-- indexes held its last activity as a key: each touch moved the conversation's entry in both — two more B-tree pages
-- written at random per ingested event, and copied back at the next checkpoint. Now no index that holds active
-- conversations has a column the touch writes (status changes only when a conversation ends or reopens):
--   * a contact's conversations by (contact_id, status): the contact's active one is found by both keys (a customer has
--     few), its latest of any status by sorting the contact's few rows;
--   * the active ones by status alone (a partial index: entries added at the end as conversations start, removed as they
--     end): the active list and the idle sweep sort the active conversations, a centre's last half hour;
--   * the ended ones by their last activity (partial), for the ended list, newest first.
-- With the touch that assigns neither status nor ended_at to a conversation it read as active (SQLite rewrites an index's entry
-- whenever an UPDATE assigns one of its columns, even to the same value: InteractionRecorder.TouchActiveConversationSql),
-- measured on 100k contacts / 1M interactions (wrk from outside, 90% known contacts, 2026-11-28): bytes written per event
-- (log and checkpoint) 41 → 30 KB, ingest 5,840–6,295 → 6,979–8,155 req/s.
-- PostgreSQL keeps its indexes: an update there that cannot be HOT writes an entry in every index whatever its keys.
DROP INDEX ix_conversations_contact;
CREATE INDEX ix_conversations_contact ON conversations(contact_id, status);
DROP INDEX ix_conversations_status;
CREATE INDEX ix_conversations_status ON conversations(status, last_activity_at) WHERE status = 'ended';
CREATE INDEX ix_conversations_active ON conversations(status) WHERE status = 'active';
