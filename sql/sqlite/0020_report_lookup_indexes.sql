-- Indexes for lookups that reports make once per row (found by tests/ContactHub.Tests/Data/QueryPlanTests.cs).
-- Speed of answer reads each answered call's first status change: without this index, a scan of the event log per call
-- (a month's report on a live database of a million events ran for tens of minutes). Only status changes are indexed.
CREATE INDEX ix_events_status_changes ON events(interaction_id, occurred_at) WHERE type = 'interaction.status-changed';

-- The contacts report counts new contacts per day of the period: a scan of the contacts per day without it.
CREATE INDEX ix_contacts_created ON contacts(created_at);
