-- The export reads a period in (occurred_at, id) order: with id as the index's second key the rows come out in that
-- order without a sort.
DROP INDEX ix_interactions_period;
CREATE INDEX ix_interactions_period ON interactions(occurred_at, id) INCLUDE (channel, direction, status, agent, duration_seconds, contact_id, conversation_id);
