-- One row per recipient of a report run, written before the email is sent and marked once it is: a run retried or
-- recovered after a crash sends only to those not yet marked (at most the one being sent when the process died twice).
CREATE TABLE report_deliveries (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    run_id bigint NOT NULL REFERENCES report_runs(id),
    recipient nvarchar(320) NOT NULL,
    status nvarchar(16) NOT NULL,
    attempts bigint NOT NULL CONSTRAINT df_report_deliveries_attempts DEFAULT 0,
    message_id nvarchar(400) NULL,
    last_error nvarchar(max) NULL,
    created_at datetimeoffset(7) NOT NULL,
    sent_at datetimeoffset(7) NULL
);
CREATE UNIQUE INDEX ux_report_deliveries_recipient ON report_deliveries(run_id, recipient);
