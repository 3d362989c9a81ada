-- Twilio in depth. Content templates registered by name (WhatsApp outside the 24-hour window needs one); a campaign may
-- name one; call recordings and voicemail with their transcriptions; recordings still to delete at Twilio (erasure,
-- retention); CSAT surveys sent after a conversation and the score its customer gave.
CREATE TABLE message_templates (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    name nvarchar(100) NOT NULL,
    channel nvarchar(16) NOT NULL,
    content_sid nvarchar(64) NOT NULL,
    variables nvarchar(max) NULL,
    preview nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_message_templates_name ON message_templates(name);

ALTER TABLE campaigns ADD content_template nvarchar(100) NULL;

CREATE TABLE recordings (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    recording_sid nvarchar(64) NOT NULL,
    call_sid nvarchar(64) NOT NULL,
    status nvarchar(32) NOT NULL,
    duration_seconds bigint NULL,
    voicemail bigint NOT NULL,
    transcription_sid nvarchar(64) NULL,
    transcription_status nvarchar(32) NULL,
    transcription_text nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_recordings_sid ON recordings(recording_sid);
CREATE INDEX ix_recordings_call ON recordings(call_sid);

CREATE TABLE twilio_deletions (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    recording_sid nvarchar(64) NOT NULL,
    reason nvarchar(32) NOT NULL,
    attempts bigint NOT NULL,
    next_attempt_at datetimeoffset(7) NOT NULL,
    last_error nvarchar(400) NULL,
    created_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_twilio_deletions_sid ON twilio_deletions(recording_sid);

CREATE TABLE csat_surveys (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations(id),
    contact_id bigint NOT NULL REFERENCES contacts(id),
    campaign_id bigint NULL,
    channel nvarchar(16) NOT NULL,
    agent nvarchar(200) NULL,
    interaction_id bigint NULL,
    sent_at datetimeoffset(7) NOT NULL,
    expires_at datetimeoffset(7) NOT NULL,
    score bigint NULL,
    answered_at datetimeoffset(7) NULL,
    answer_interaction_id bigint NULL,
    follow_up_id bigint NULL
);
CREATE UNIQUE INDEX ux_csat_surveys_conversation ON csat_surveys(conversation_id);
CREATE INDEX ix_csat_surveys_contact ON csat_surveys(contact_id, sent_at);
CREATE INDEX ix_csat_surveys_answered ON csat_surveys(answered_at);
