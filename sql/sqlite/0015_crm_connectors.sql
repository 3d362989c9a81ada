-- CRM write-back: each connector follows the event log from its own cursor (one node at a time holds its lease),
-- remembers what it wrote (to update it, and to delete it when the contact is erased), and parks what it cannot write.
CREATE TABLE crm_cursors (
    name TEXT NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_until TEXT NULL,
    last_error TEXT NULL,
    last_written_at TEXT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE crm_writes (
    connector TEXT NOT NULL,
    interaction_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    crm_id TEXT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (connector, interaction_id)
);
CREATE INDEX ix_crm_writes_contact ON crm_writes(connector, contact_id);

CREATE TABLE crm_failures (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    event_position INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    interaction_id INTEGER NULL,
    contact_id INTEGER NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_crm_failures_status ON crm_failures(connector, status, id);
