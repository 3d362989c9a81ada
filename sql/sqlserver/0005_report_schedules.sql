-- Report schedules get a name, a period, and pause themselves after repeated failures;
-- runs record their time zone, attempts, size, duration and recipients. A scheduled firing
-- is recorded once (dedupe_key), however many nodes or retries see it.
ALTER TABLE report_schedules ADD name nvarchar(200) NULL;
ALTER TABLE report_schedules ADD period nvarchar(32) NOT NULL CONSTRAINT df_report_schedules_period DEFAULT 'previous-day';
ALTER TABLE report_schedules ADD consecutive_failures bigint NOT NULL CONSTRAINT df_report_schedules_failures DEFAULT 0;
ALTER TABLE report_schedules ADD paused_at datetimeoffset(7) NULL;
ALTER TABLE report_schedules ADD paused_reason nvarchar(max) NULL;
ALTER TABLE report_schedules ADD source nvarchar(16) NOT NULL CONSTRAINT df_report_schedules_source DEFAULT 'api';
GO
CREATE UNIQUE INDEX ux_report_schedules_name ON report_schedules(name) WHERE name IS NOT NULL;
ALTER TABLE report_runs ADD time_zone nvarchar(100) NULL;
ALTER TABLE report_runs ADD recipients nvarchar(max) NULL;
ALTER TABLE report_runs ADD attempts bigint NOT NULL CONSTRAINT df_report_runs_attempts DEFAULT 0;
ALTER TABLE report_runs ADD byte_count bigint NULL;
ALTER TABLE report_runs ADD duration_ms bigint NULL;
ALTER TABLE report_runs ADD dedupe_key nvarchar(200) NULL;
GO
CREATE UNIQUE INDEX ux_report_runs_dedupe ON report_runs(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_report_runs_schedule ON report_runs(schedule_id, started_at);
