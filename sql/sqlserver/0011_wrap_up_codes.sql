-- Wrap-up (disposition) codes. A code's labels and group are versioned: a conversation keeps the version it was given, so
-- renaming or retiring a code never rewrites what last month's reports said.
CREATE TABLE wrap_up_codes (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    code nvarchar(64) NOT NULL,
    active bigint NOT NULL,
    version bigint NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_wrap_up_codes_code ON wrap_up_codes(code);

CREATE TABLE wrap_up_code_versions (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    code_id bigint NOT NULL REFERENCES wrap_up_codes(id),
    version bigint NOT NULL,
    group_name nvarchar(100) NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_wrap_up_code_versions ON wrap_up_code_versions(code_id, version);

CREATE TABLE wrap_up_code_labels (
    version_id bigint NOT NULL REFERENCES wrap_up_code_versions(id),
    language nvarchar(16) NOT NULL,
    label nvarchar(200) NOT NULL,
    PRIMARY KEY (version_id, language)
);

-- The codes a conversation (or one of its interactions) was closed with, each with the version it had then.
CREATE TABLE conversation_wrap_ups (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id),
    interaction_id bigint NULL REFERENCES interactions(id),
    code_id bigint NOT NULL REFERENCES wrap_up_codes(id),
    version_id bigint NOT NULL REFERENCES wrap_up_code_versions(id),
    applied_by nvarchar(200) NULL,
    applied_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_conversation_wrap_ups ON conversation_wrap_ups(conversation_id, code_id);
CREATE INDEX ix_conversation_wrap_ups_code ON conversation_wrap_ups(code_id, applied_at);
