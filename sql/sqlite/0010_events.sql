-- The event log: one row per change a consumer cares about, written in the change's own transaction. Ids are handed out at insert
-- but transactions commit in any order, so the cursor is "position": given by the sequencer to committed rows, in the order it sees
-- them (event_sequence holds the last one and is locked while it is advanced), so that a reader after position N never misses a row.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    position INTEGER NULL,
    type TEXT NOT NULL,
    contact_id INTEGER NULL,
    conversation_id INTEGER NULL,
    interaction_id INTEGER NULL,
    channel TEXT NULL,
    agent TEXT NULL,
    changed TEXT NULL,
    data TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_events_position ON events(position);
CREATE INDEX ix_events_unsequenced ON events(id) WHERE position IS NULL;
CREATE INDEX ix_events_contact ON events(contact_id, position);
CREATE INDEX ix_events_occurred ON events(occurred_at);

CREATE TABLE event_sequence (
    name TEXT PRIMARY KEY,
    last_position INTEGER NOT NULL
);
INSERT INTO event_sequence (name, last_position) VALUES ('events', 0);

CREATE TABLE event_subscriptions (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    channel TEXT NULL,
    agent TEXT NULL,
    changed_fields TEXT NULL,
    description TEXT NULL,
    status TEXT NOT NULL,
    disabled_reason TEXT NULL,
    failing_since TEXT NULL,
    cursor_position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row per (subscription, event): a contact's rows are sent one after the other (contact_key 0: events of no contact).
CREATE TABLE event_deliveries (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    contact_key INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_by TEXT NULL,
    locked_until TEXT NULL,
    last_status_code INTEGER NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    last_attempt_at TEXT NULL,
    delivered_at TEXT NULL
);
CREATE UNIQUE INDEX ux_event_deliveries_event ON event_deliveries(subscription_id, event_id);
CREATE INDEX ix_event_deliveries_due ON event_deliveries(status, next_attempt_at);
CREATE INDEX ix_event_deliveries_order ON event_deliveries(subscription_id, contact_key, status, position);
