-- Only ended conversations in the index that the reports and campaign triggers read them by (each reads "status = 'ended'").
-- An active conversation is touched by every event it receives, and every touch moved its entry in this index (the touch sets
-- last_channel and agent). A filtered index leaves active ones out; status is included so that the optimiser need not look it up.
DROP INDEX ix_conversations_ended ON conversations;
CREATE INDEX ix_conversations_ended ON conversations(ended_at) INCLUDE (status, started_at, agent, last_channel) WHERE status = 'ended';
