-- One row per recipient of a report run, written before the email is sent and marked once it is: a run retried or
-- recovered after a crash sends only to those not yet marked (at most the one being sent when the process died twice).
CREATE TABLE report_deliveries (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES report_runs(id),
    recipient TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL
);
CREATE UNIQUE INDEX ux_report_deliveries_recipient ON report_deliveries(run_id, recipient);
