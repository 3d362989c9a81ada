-- CRM write-back: each connector follows the event log from its own cursor (one node at a time holds its lease),
-- remembers what it wrote (to update it, and to delete it when the contact is erased), and parks what it cannot write.
CREATE TABLE crm_cursors (
    name nvarchar(32) NOT NULL PRIMARY KEY,
    position bigint NOT NULL,
    lease_owner nvarchar(100) NULL,
    lease_until datetimeoffset(7) NULL,
    last_error nvarchar(400) NULL,
    last_written_at datetimeoffset(7) NULL,
    updated_at datetimeoffset(7) NOT NULL
);

CREATE TABLE crm_writes (
    connector nvarchar(32) NOT NULL,
    interaction_id bigint NOT NULL,
    contact_id bigint NOT NULL,
    crm_id nvarchar(100) NULL,
    written_at datetimeoffset(7) NOT NULL,
    PRIMARY KEY (connector, interaction_id)
);
CREATE INDEX ix_crm_writes_contact ON crm_writes(connector, contact_id);

CREATE TABLE crm_failures (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    connector nvarchar(32) NOT NULL,
    event_position bigint NOT NULL,
    event_type nvarchar(64) NOT NULL,
    interaction_id bigint NULL,
    contact_id bigint NULL,
    reason nvarchar(400) NOT NULL,
    attempts bigint NOT NULL,
    status nvarchar(16) NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_crm_failures_status ON crm_failures(connector, status, id);
