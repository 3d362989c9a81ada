-- Reports and exports scan a period of interactions: a covering index answers them from the index alone.
-- It replaces the plain index on occurred_at.
CREATE INDEX ix_interactions_period ON interactions(occurred_at) INCLUDE (channel, direction, status, agent, duration_seconds, contact_id, conversation_id);
DROP INDEX ix_interactions_occurred ON interactions;
