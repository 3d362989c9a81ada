-- The event log: one row per change a consumer cares about, written in the change's own transaction. Ids are handed out at insert
-- but transactions commit in any order, so the cursor is "position": given by the sequencer to committed rows, in the order it sees
-- them (event_sequence holds the last one and is locked while it is advanced), so that a reader after position N never misses a row.
CREATE TABLE events (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    position bigint NULL,
    type nvarchar(64) NOT NULL,
    contact_id bigint NULL,
    conversation_id bigint NULL,
    interaction_id bigint NULL,
    channel nvarchar(16) NULL,
    agent nvarchar(200) NULL,
    changed nvarchar(400) NULL,
    data nvarchar(max) NOT NULL,
    occurred_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_events_position ON events(position) WHERE position IS NOT NULL;
CREATE INDEX ix_events_unsequenced ON events(id) WHERE position IS NULL;
CREATE INDEX ix_events_contact ON events(contact_id, position);
CREATE INDEX ix_events_occurred ON events(occurred_at);

CREATE TABLE event_sequence (
    name nvarchar(32) PRIMARY KEY,
    last_position bigint NOT NULL
);
INSERT INTO event_sequence (name, last_position) VALUES ('events', 0);

CREATE TABLE event_subscriptions (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    url nvarchar(2000) NOT NULL,
    event_types nvarchar(2000) NOT NULL,
    secret nvarchar(200) NOT NULL,
    channel nvarchar(16) NULL,
    agent nvarchar(200) NULL,
    changed_fields nvarchar(400) NULL,
    description nvarchar(400) NULL,
    status nvarchar(16) NOT NULL,
    disabled_reason nvarchar(500) NULL,
    failing_since datetimeoffset(7) NULL,
    cursor_position bigint NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);

-- One row per (subscription, event): a contact's rows are sent one after the other (contact_key 0: events of no contact).
CREATE TABLE event_deliveries (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
    event_id bigint NOT NULL,
    position bigint NOT NULL,
    contact_key bigint NOT NULL,
    status nvarchar(16) NOT NULL,
    attempts bigint NOT NULL CONSTRAINT df_event_deliveries_attempts DEFAULT 0,
    next_attempt_at datetimeoffset(7) NOT NULL,
    locked_by nvarchar(200) NULL,
    locked_until datetimeoffset(7) NULL,
    last_status_code bigint NULL,
    last_error nvarchar(500) NULL,
    created_at datetimeoffset(7) NOT NULL,
    last_attempt_at datetimeoffset(7) NULL,
    delivered_at datetimeoffset(7) NULL
);
CREATE UNIQUE INDEX ux_event_deliveries_event ON event_deliveries(subscription_id, event_id);
CREATE INDEX ix_event_deliveries_due ON event_deliveries(status, next_attempt_at);
CREATE INDEX ix_event_deliveries_order ON event_deliveries(subscription_id, contact_key, status, position);
