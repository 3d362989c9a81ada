-- Only ended conversations in the index that the reports and campaign triggers read them by (each reads "status = 'ended'").
-- An active conversation is touched by every event it receives, and no touch is a HOT update (last_activity_at is indexed):
-- each wrote an entry in this index too. A partial index leaves active ones out.
DROP INDEX ix_conversations_ended;
CREATE INDEX ix_conversations_ended ON conversations(ended_at) INCLUDE (started_at, agent, last_channel) WHERE status = 'ended';
