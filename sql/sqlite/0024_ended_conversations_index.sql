-- Only ended conversations in the index that the reports and campaign triggers read them by (each reads "status = 'ended'").
-- An active conversation is touched by every event it receives, and every touch moved its entry in this index (the touch sets
-- last_channel and agent): one more page written at random per ingested event. A partial index leaves active ones out (status
-- stays its first column, so that the index covers the queries that name it).
DROP INDEX ix_conversations_ended;
CREATE INDEX ix_conversations_ended ON conversations(status, ended_at, started_at, agent, last_channel) WHERE status = 'ended';
