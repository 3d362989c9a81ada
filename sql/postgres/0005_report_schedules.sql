-- Report schedules get a name, a period, and pause themselves after repeated failures;
-- runs record their time zone, attempts, size, duration and recipients. A scheduled firing
-- is recorded once (dedupe_key), however many nodes or retries see it.
ALTER TABLE report_schedules ADD COLUMN name varchar(200) NULL;
ALTER TABLE report_schedules ADD COLUMN period varchar(32) NOT NULL DEFAULT 'previous-day';
ALTER TABLE report_schedules ADD COLUMN consecutive_failures bigint NOT NULL DEFAULT 0;
ALTER TABLE report_schedules ADD COLUMN paused_at timestamptz NULL;
ALTER TABLE report_schedules ADD COLUMN paused_reason text NULL;
ALTER TABLE report_schedules ADD COLUMN source varchar(16) NOT NULL DEFAULT 'api';
CREATE UNIQUE INDEX ux_report_schedules_name ON report_schedules(name);
ALTER TABLE report_runs ADD COLUMN time_zone varchar(100) NULL;
ALTER TABLE report_runs ADD COLUMN recipients text NULL;
ALTER TABLE report_runs ADD COLUMN attempts bigint NOT NULL DEFAULT 0;
ALTER TABLE report_runs ADD COLUMN byte_count bigint NULL;
ALTER TABLE report_runs ADD COLUMN duration_ms bigint NULL;
ALTER TABLE report_runs ADD COLUMN dedupe_key varchar(200) NULL;
CREATE UNIQUE INDEX ux_report_runs_dedupe ON report_runs(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_report_runs_schedule ON report_runs(schedule_id, started_at);
