-- ContactHub schema, SQLite. Timestamps are UTC ISO-8601 text; ids are 64-bit rowids.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    display_name TEXT NULL,
    name_key TEXT NULL,
    external_id TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into_id INTEGER NULL REFERENCES contacts(id),
    erased_at TEXT NULL
);
CREATE INDEX ix_contacts_name_key ON contacts(name_key);
CREATE INDEX ix_contacts_merged_into ON contacts(merged_into_id);

CREATE TABLE contact_identifiers (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    kind TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_contact_identifiers ON contact_identifiers(kind, provider, value);
CREATE INDEX ix_contact_identifiers_contact ON contact_identifiers(contact_id);
CREATE INDEX ix_contact_identifiers_value ON contact_identifiers(value);

CREATE TABLE duplicate_candidates (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    other_contact_id INTEGER NOT NULL REFERENCES contacts(id),
    reason TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolved_at TEXT NULL
);
CREATE UNIQUE INDEX ux_duplicate_candidates ON duplicate_candidates(contact_id, other_contact_id);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NULL,
    last_activity_at TEXT NOT NULL,
    agent TEXT NULL,
    subject TEXT NULL,
    summary TEXT NULL,
    channels TEXT NOT NULL DEFAULT '',
    last_channel TEXT NULL,
    interaction_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_conversations_contact ON conversations(contact_id, status, last_activity_at);
CREATE INDEX ix_conversations_status ON conversations(status, last_activity_at);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    ended_at TEXT NULL,
    duration_seconds INTEGER NULL,
    agent TEXT NULL,
    status TEXT NULL,
    subject TEXT NULL,
    body TEXT NULL,
    provider TEXT NULL,
    provider_ref TEXT NULL,
    campaign_id INTEGER NULL,
    metadata TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_interactions_provider_ref ON interactions(provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX ix_interactions_contact_time ON interactions(contact_id, occurred_at, id);
CREATE INDEX ix_interactions_conversation ON interactions(conversation_id, occurred_at);
CREATE INDEX ix_interactions_occurred ON interactions(occurred_at);

CREATE TABLE conversation_notes (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    author TEXT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_conversation_notes_conversation ON conversation_notes(conversation_id);
CREATE INDEX ix_conversation_notes_contact ON conversation_notes(contact_id);

CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    conversation_id INTEGER NULL REFERENCES conversations(id),
    title TEXT NOT NULL,
    notes TEXT NULL,
    assigned_to TEXT NULL,
    due_at TEXT NULL,
    status TEXT NOT NULL,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT NULL
);
CREATE INDEX ix_follow_ups_contact ON follow_ups(contact_id);
CREATE INDEX ix_follow_ups_status_due ON follow_ups(status, due_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    interaction_id INTEGER NOT NULL REFERENCES interactions(id),
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_by TEXT NULL,
    locked_until TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL
);
CREATE INDEX ix_outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_consents ON consents(contact_id, channel);

CREATE TABLE merge_journal (
    id INTEGER PRIMARY KEY,
    target_contact_id INTEGER NOT NULL REFERENCES contacts(id),
    source_contact_id INTEGER NOT NULL REFERENCES contacts(id),
    moved TEXT NOT NULL,
    merged_by TEXT NULL,
    merged_at TEXT NOT NULL,
    undone_by TEXT NULL,
    undone_at TEXT NULL
);
CREATE INDEX ix_merge_journal_source ON merge_journal(source_contact_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NULL,
    target_id TEXT NULL,
    contact_id INTEGER NULL,
    remote_ip TEXT NULL,
    details TEXT NULL
);
CREATE INDEX ix_audit_log_time ON audit_log(occurred_at);
CREATE INDEX ix_audit_log_contact ON audit_log(contact_id);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL,
    last_used_at TEXT NULL
);
CREATE UNIQUE INDEX ux_api_keys_prefix ON api_keys(key_prefix);

CREATE TABLE report_schedules (
    id INTEGER PRIMARY KEY,
    report_name TEXT NOT NULL,
    cron TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    recipients TEXT NOT NULL,
    parameters TEXT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE report_runs (
    id INTEGER PRIMARY KEY,
    report_name TEXT NOT NULL,
    schedule_id INTEGER NULL REFERENCES report_schedules(id),
    status TEXT NOT NULL,
    period_from TEXT NULL,
    period_to TEXT NULL,
    requested_by TEXT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    row_count INTEGER NULL,
    file_name TEXT NULL,
    file_content BLOB NULL,
    error TEXT NULL
);
CREATE INDEX ix_report_runs_report ON report_runs(report_name, started_at);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_params TEXT NULL,
    conditions TEXT NULL,
    action TEXT NOT NULL,
    channel TEXT NULL,
    template TEXT NULL,
    starts_at TEXT NULL,
    ends_at TEXT NULL,
    quiet_start TEXT NULL,
    quiet_end TEXT NULL,
    cap_count INTEGER NULL,
    cap_days INTEGER NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE campaign_sends (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    trigger_key TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NULL,
    interaction_id INTEGER NULL,
    scheduled_for TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_campaign_sends ON campaign_sends(campaign_id, trigger_key);
CREATE INDEX ix_campaign_sends_contact ON campaign_sends(contact_id, created_at);

CREATE TABLE sync_state (
    name TEXT PRIMARY KEY,
    value TEXT NULL,
    updated_at TEXT NOT NULL
);
