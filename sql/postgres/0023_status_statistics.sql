-- No statistics for conversations.status and follow_ups.status. Its share of 'active' changes faster than ANALYZE follows: after history was loaded
-- (seed-demo, an import) the statistics said no conversation was active, so "status = 'active'" looked like one row, and the
-- planner found a contact's active conversation by walking the active conversations of every contact (ix_conversations_status)
-- instead of the contact's own entries (ix_conversations_contact): 6,000 rows read and discarded per event and per screen-pop
-- once live traffic had made them — 2.1 ms of the database's time per event at 100k / 1M — until autovacuum next analysed
-- the table. Without statistics the planner takes the default share of an equality (0.5%) for either status, and a contact's
-- few rows win (tests/ContactHub.Tests/Data/StaleStatisticsTests.cs).
ALTER TABLE conversations ALTER COLUMN status SET STATISTICS 0;
-- A target of 0 stops ANALYZE from collecting, but keeps what it collected before; changing the column's type drops that.
-- Widening a varchar is a change of the catalogue alone: no row and no index is rewritten.
ALTER TABLE conversations ALTER COLUMN status TYPE varchar(40);
-- Follow-ups the same: done ones pile up, open ones come and go, and the screen-pop asks for one contact's open ones
-- (ix_follow_ups_status_due walked every open follow-up of every contact once the statistics said none was open).
ALTER TABLE follow_ups ALTER COLUMN status SET STATISTICS 0;
ALTER TABLE follow_ups ALTER COLUMN status TYPE varchar(40);
