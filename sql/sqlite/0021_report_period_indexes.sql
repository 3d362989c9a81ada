-- Reports read their period through an index (tests/ContactHub.Tests/Data/QueryPlanTests.cs): without these, the outcomes
-- sheets read every ended conversation and the conversations report every conversation, whatever the period (1.4 s on an
-- empty day at 700k conversations, growing with the database rather than with the period).
CREATE INDEX ix_conversations_ended ON conversations(status, ended_at);
CREATE INDEX ix_conversations_started ON conversations(started_at);
