-- Twilio in depth. Content templates registered by name (WhatsApp outside the 24-hour window needs one); a campaign may
-- name one; call recordings and voicemail with their transcriptions; recordings still to delete at Twilio (erasure,
-- retention); CSAT surveys sent after a conversation and the score its customer gave.
CREATE TABLE message_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    content_sid TEXT NOT NULL,
    variables TEXT NULL,
    preview TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_message_templates_name ON message_templates(name);

ALTER TABLE campaigns ADD COLUMN content_template TEXT NULL;

CREATE TABLE recordings (
    id INTEGER PRIMARY KEY,
    recording_sid TEXT NOT NULL,
    call_sid TEXT NOT NULL,
    status TEXT NOT NULL,
    duration_seconds INTEGER NULL,
    voicemail INTEGER NOT NULL,
    transcription_sid TEXT NULL,
    transcription_status TEXT NULL,
    transcription_text TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_recordings_sid ON recordings(recording_sid);
CREATE INDEX ix_recordings_call ON recordings(call_sid);

CREATE TABLE twilio_deletions (
    id INTEGER PRIMARY KEY,
    recording_sid TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_twilio_deletions_sid ON twilio_deletions(recording_sid);

CREATE TABLE csat_surveys (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    campaign_id INTEGER NULL,
    channel TEXT NOT NULL,
    agent TEXT NULL,
    interaction_id INTEGER NULL,
    sent_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    score INTEGER NULL,
    answered_at TEXT NULL,
    answer_interaction_id INTEGER NULL,
    follow_up_id INTEGER NULL
);
CREATE UNIQUE INDEX ux_csat_surveys_conversation ON csat_surveys(conversation_id);
CREATE INDEX ix_csat_surveys_contact ON csat_surveys(contact_id, sent_at);
CREATE INDEX ix_csat_surveys_answered ON csat_surveys(answered_at);
