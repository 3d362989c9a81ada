-- The interaction that completed a follow-up, and Idempotency-Key headers of retried requests.
ALTER TABLE follow_ups ADD completed_interaction_id bigint NULL REFERENCES interactions(id);

CREATE TABLE idempotency_keys (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    scope nvarchar(100) NOT NULL,
    idem_key nvarchar(200) NOT NULL,
    result_id bigint NOT NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_idempotency_keys ON idempotency_keys(scope, idem_key);
CREATE INDEX ix_follow_ups_assigned ON follow_ups(assigned_to, status, due_at);
CREATE INDEX ix_outbox_interaction ON outbox(interaction_id);
