-- ContactHub schema, SQL Server. Timestamps are datetimeoffset (UTC); ids are 64-bit identities.
CREATE TABLE contacts (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    display_name nvarchar(200) NULL,
    name_key nvarchar(200) NULL,
    external_id nvarchar(200) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL,
    merged_into_id bigint NULL REFERENCES contacts(id),
    erased_at datetimeoffset(7) NULL
);
CREATE INDEX ix_contacts_name_key ON contacts(name_key);
CREATE INDEX ix_contacts_merged_into ON contacts(merged_into_id);

CREATE TABLE contact_identifiers (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    kind nvarchar(16) NOT NULL,
    provider nvarchar(64) NOT NULL DEFAULT N'',
    value nvarchar(320) NOT NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_contact_identifiers ON contact_identifiers(kind, provider, value);
CREATE INDEX ix_contact_identifiers_contact ON contact_identifiers(contact_id);
CREATE INDEX ix_contact_identifiers_value ON contact_identifiers(value);

CREATE TABLE duplicate_candidates (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    other_contact_id bigint NOT NULL REFERENCES contacts(id),
    reason nvarchar(200) NOT NULL,
    detected_at datetimeoffset(7) NOT NULL,
    resolved_at datetimeoffset(7) NULL
);
CREATE UNIQUE INDEX ux_duplicate_candidates ON duplicate_candidates(contact_id, other_contact_id);

CREATE TABLE conversations (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    status nvarchar(32) NOT NULL,
    started_at datetimeoffset(7) NOT NULL,
    ended_at datetimeoffset(7) NULL,
    last_activity_at datetimeoffset(7) NOT NULL,
    agent nvarchar(200) NULL,
    subject nvarchar(max) NULL,
    summary nvarchar(max) NULL,
    channels nvarchar(200) NOT NULL DEFAULT N'',
    last_channel nvarchar(16) NULL,
    interaction_count bigint NOT NULL DEFAULT 0
);
CREATE INDEX ix_conversations_contact ON conversations(contact_id, status, last_activity_at);
CREATE INDEX ix_conversations_status ON conversations(status, last_activity_at);

CREATE TABLE interactions (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id),
    contact_id bigint NOT NULL REFERENCES contacts(id),
    channel nvarchar(16) NOT NULL,
    direction nvarchar(16) NOT NULL,
    occurred_at datetimeoffset(7) NOT NULL,
    ended_at datetimeoffset(7) NULL,
    duration_seconds bigint NULL,
    agent nvarchar(200) NULL,
    status nvarchar(32) NULL,
    subject nvarchar(max) NULL,
    body nvarchar(max) NULL,
    provider nvarchar(64) NULL,
    provider_ref nvarchar(200) NULL,
    campaign_id bigint NULL,
    metadata nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_interactions_provider_ref ON interactions(provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX ix_interactions_contact_time ON interactions(contact_id, occurred_at, id);
CREATE INDEX ix_interactions_conversation ON interactions(conversation_id, occurred_at);
CREATE INDEX ix_interactions_occurred ON interactions(occurred_at);

CREATE TABLE conversation_notes (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id),
    contact_id bigint NOT NULL REFERENCES contacts(id),
    author nvarchar(200) NULL,
    body nvarchar(max) NOT NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_conversation_notes_conversation ON conversation_notes(conversation_id);
CREATE INDEX ix_conversation_notes_contact ON conversation_notes(contact_id);

CREATE TABLE follow_ups (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    conversation_id bigint NULL REFERENCES conversations(id),
    title nvarchar(max) NOT NULL,
    notes nvarchar(max) NULL,
    assigned_to nvarchar(200) NULL,
    due_at datetimeoffset(7) NULL,
    status nvarchar(32) NOT NULL,
    created_by nvarchar(200) NULL,
    created_at datetimeoffset(7) NOT NULL,
    completed_at datetimeoffset(7) NULL
);
CREATE INDEX ix_follow_ups_contact ON follow_ups(contact_id);
CREATE INDEX ix_follow_ups_status_due ON follow_ups(status, due_at);

CREATE TABLE outbox (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    interaction_id bigint NOT NULL REFERENCES interactions(id),
    channel nvarchar(16) NOT NULL,
    payload nvarchar(max) NOT NULL,
    status nvarchar(32) NOT NULL,
    attempts bigint NOT NULL DEFAULT 0,
    next_attempt_at datetimeoffset(7) NOT NULL,
    locked_by nvarchar(100) NULL,
    locked_until datetimeoffset(7) NULL,
    last_error nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL
);
CREATE INDEX ix_outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE consents (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    channel nvarchar(16) NOT NULL,
    status nvarchar(32) NOT NULL,
    source nvarchar(100) NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_consents ON consents(contact_id, channel);

CREATE TABLE merge_journal (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    target_contact_id bigint NOT NULL REFERENCES contacts(id),
    source_contact_id bigint NOT NULL REFERENCES contacts(id),
    moved nvarchar(max) NOT NULL,
    merged_by nvarchar(200) NULL,
    merged_at datetimeoffset(7) NOT NULL,
    undone_by nvarchar(200) NULL,
    undone_at datetimeoffset(7) NULL
);
CREATE INDEX ix_merge_journal_source ON merge_journal(source_contact_id);

CREATE TABLE audit_log (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    occurred_at datetimeoffset(7) NOT NULL,
    actor nvarchar(200) NOT NULL,
    action nvarchar(100) NOT NULL,
    target_type nvarchar(50) NULL,
    target_id nvarchar(100) NULL,
    contact_id bigint NULL,
    remote_ip nvarchar(64) NULL,
    details nvarchar(max) NULL
);
CREATE INDEX ix_audit_log_time ON audit_log(occurred_at);
CREATE INDEX ix_audit_log_contact ON audit_log(contact_id);

CREATE TABLE api_keys (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    name nvarchar(200) NOT NULL,
    key_prefix nvarchar(32) NOT NULL,
    key_hash nvarchar(128) NOT NULL,
    salt nvarchar(64) NOT NULL,
    scopes nvarchar(100) NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    revoked_at datetimeoffset(7) NULL,
    last_used_at datetimeoffset(7) NULL
);
CREATE UNIQUE INDEX ux_api_keys_prefix ON api_keys(key_prefix);

CREATE TABLE report_schedules (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    report_name nvarchar(100) NOT NULL,
    cron nvarchar(100) NOT NULL,
    time_zone nvarchar(100) NOT NULL,
    recipients nvarchar(max) NOT NULL,
    parameters nvarchar(max) NULL,
    enabled bigint NOT NULL DEFAULT 1,
    created_by nvarchar(200) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);

CREATE TABLE report_runs (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    report_name nvarchar(100) NOT NULL,
    schedule_id bigint NULL REFERENCES report_schedules(id),
    status nvarchar(32) NOT NULL,
    period_from datetimeoffset(7) NULL,
    period_to datetimeoffset(7) NULL,
    requested_by nvarchar(200) NULL,
    started_at datetimeoffset(7) NOT NULL,
    finished_at datetimeoffset(7) NULL,
    row_count bigint NULL,
    file_name nvarchar(260) NULL,
    file_content varbinary(max) NULL,
    error nvarchar(max) NULL
);
CREATE INDEX ix_report_runs_report ON report_runs(report_name, started_at);

CREATE TABLE campaigns (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    name nvarchar(200) NOT NULL,
    trigger_kind nvarchar(50) NOT NULL,
    trigger_params nvarchar(max) NULL,
    conditions nvarchar(max) NULL,
    action nvarchar(100) NOT NULL,
    channel nvarchar(16) NULL,
    template nvarchar(max) NULL,
    starts_at datetimeoffset(7) NULL,
    ends_at datetimeoffset(7) NULL,
    quiet_start nvarchar(8) NULL,
    quiet_end nvarchar(8) NULL,
    cap_count bigint NULL,
    cap_days bigint NULL,
    paused bigint NOT NULL DEFAULT 0,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);

CREATE TABLE campaign_sends (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns(id),
    contact_id bigint NOT NULL REFERENCES contacts(id),
    trigger_key nvarchar(200) NOT NULL,
    status nvarchar(32) NOT NULL,
    reason nvarchar(200) NULL,
    interaction_id bigint NULL,
    scheduled_for datetimeoffset(7) NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_campaign_sends ON campaign_sends(campaign_id, trigger_key);
CREATE INDEX ix_campaign_sends_contact ON campaign_sends(contact_id, created_at);

CREATE TABLE sync_state (
    name nvarchar(200) PRIMARY KEY,
    value nvarchar(max) NULL,
    updated_at datetimeoffset(7) NOT NULL
);
