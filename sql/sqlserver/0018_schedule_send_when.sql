-- A schedule may send only when a condition on the period holds ("missed_calls > 20", "service level below target").
ALTER TABLE report_schedules ADD send_when nvarchar(200) NULL;
