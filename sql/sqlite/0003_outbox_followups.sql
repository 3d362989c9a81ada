-- The interaction that completed a follow-up, and Idempotency-Key headers of retried requests.
ALTER TABLE follow_ups ADD COLUMN completed_interaction_id INTEGER NULL REFERENCES interactions(id);

CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    result_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_idempotency_keys ON idempotency_keys(scope, idem_key);
CREATE INDEX ix_follow_ups_assigned ON follow_ups(assigned_to, status, due_at);
CREATE INDEX ix_outbox_interaction ON outbox(interaction_id);
