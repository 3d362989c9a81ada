-- Report schedules get a name, a period, and pause themselves after repeated failures;
-- runs record their time zone, attempts, size, duration and recipients. A scheduled firing
-- is recorded once (dedupe_key), however many nodes or retries see it.
ALTER TABLE report_schedules ADD COLUMN name TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN period TEXT NOT NULL DEFAULT 'previous-day';
ALTER TABLE report_schedules ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_schedules ADD COLUMN paused_at TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN paused_reason TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
CREATE UNIQUE INDEX ux_report_schedules_name ON report_schedules(name);
ALTER TABLE report_runs ADD COLUMN time_zone TEXT NULL;
ALTER TABLE report_runs ADD COLUMN recipients TEXT NULL;
ALTER TABLE report_runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_runs ADD COLUMN byte_count INTEGER NULL;
ALTER TABLE report_runs ADD COLUMN duration_ms INTEGER NULL;
ALTER TABLE report_runs ADD COLUMN dedupe_key TEXT NULL;
CREATE UNIQUE INDEX ux_report_runs_dedupe ON report_runs(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_report_runs_schedule ON report_runs(schedule_id, started_at);
