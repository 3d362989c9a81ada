-- Wrap-up (disposition) codes. A code's labels and group are versioned: a conversation keeps the version it was given, so
-- renaming or retiring a code never rewrites what last month's reports said.
CREATE TABLE wrap_up_codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_wrap_up_codes_code ON wrap_up_codes(code);

CREATE TABLE wrap_up_code_versions (
    id INTEGER PRIMARY KEY,
    code_id INTEGER NOT NULL REFERENCES wrap_up_codes(id),
    version INTEGER NOT NULL,
    group_name TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_wrap_up_code_versions ON wrap_up_code_versions(code_id, version);

CREATE TABLE wrap_up_code_labels (
    version_id INTEGER NOT NULL REFERENCES wrap_up_code_versions(id),
    language TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (version_id, language)
);

-- The codes a conversation (or one of its interactions) was closed with, each with the version it had then.
CREATE TABLE conversation_wrap_ups (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    interaction_id INTEGER NULL REFERENCES interactions(id),
    code_id INTEGER NOT NULL REFERENCES wrap_up_codes(id),
    version_id INTEGER NOT NULL REFERENCES wrap_up_code_versions(id),
    applied_by TEXT NULL,
    applied_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_conversation_wrap_ups ON conversation_wrap_ups(conversation_id, code_id);
CREATE INDEX ix_conversation_wrap_ups_code ON conversation_wrap_ups(code_id, applied_at);
