-- The queries of reports/conversations.json, one per section: "-- name: headlines", then one per sheet by its name.
-- Portable SQL with the dialect tokens ({DAY:…}, {SECONDS:…}, {LIMIT:…}) and @from / @to; see docs/ARCHITECTURE.md.

-- name: headlines
SELECT COUNT(*) AS conversations, SUM(CASE WHEN cv.channels LIKE '%,%,%,%' THEN 1 ELSE 0 END) AS omnichannel, SUM(CASE WHEN cv.ended_at IS NULL OR cv.ended_at >= @to THEN 1 ELSE 0 END) AS still_open, AVG({SECONDS:cv.started_at,cv.ended_at} * 1.0) AS average_duration_seconds, AVG({SECONDS:cv.started_at,cv.first_reply} * 1.0) AS average_first_response_seconds
FROM (SELECT s.channels, s.started_at, s.ended_at, (SELECT MIN(o.occurred_at) FROM interactions o WHERE o.conversation_id = s.id AND o.direction = 'outbound' AND o.occurred_at >= @from) AS first_reply
      FROM conversations s WHERE s.started_at >= @from AND s.started_at < @to {SCOPE:s.agent,s.last_channel,s.id}) cv;

-- name: By channels
SELECT cv.channels AS channels, COUNT(*) AS conversations, SUM(cv.interaction_count) AS interactions
FROM conversations cv
WHERE cv.started_at >= @from AND cv.started_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY cv.channels
ORDER BY COUNT(*) DESC, cv.channels;

-- name: Conversations
SELECT cv.id AS conversation_id, cv.contact_id AS contact_id, c.display_name AS contact_name, cv.channels AS channels, cv.started_at AS started_at, cv.ended_at AS ended_at, {SECONDS:cv.started_at,cv.ended_at} AS duration_seconds, cv.interaction_count AS interactions, cv.agent AS agent, {SECONDS:cv.started_at,cv.first_reply} AS first_response_seconds, cv.status AS status
FROM (SELECT s.id, s.contact_id, s.channels, s.started_at, s.ended_at, s.interaction_count, s.agent, s.status, (SELECT MIN(o.occurred_at) FROM interactions o WHERE o.conversation_id = s.id AND o.direction = 'outbound' AND o.occurred_at >= @from) AS first_reply
      FROM conversations s WHERE s.started_at >= @from AND s.started_at < @to {SCOPE:s.agent,s.last_channel,s.id}) cv
JOIN contacts c ON c.id = cv.contact_id
ORDER BY cv.started_at, cv.id;

-- name: Outcomes
SELECT COALESCE(l.label, '(no wrap-up code)') AS outcome, COALESCE(cv.agent, '(no agent)') AS agent, COALESCE(cv.last_channel, '') AS channel, COUNT(*) AS conversations, SUM({SECONDS:cv.started_at,cv.ended_at}) AS handling_seconds, AVG({SECONDS:cv.started_at,cv.ended_at} * 1.0) AS average_handling_seconds
FROM conversations cv
LEFT JOIN conversation_wrap_ups w ON w.id = (SELECT MIN(f.id) FROM conversation_wrap_ups f WHERE f.conversation_id = cv.id)
LEFT JOIN wrap_up_code_labels l ON l.version_id = w.version_id AND l.language = 'en'
WHERE cv.status = 'ended' AND cv.ended_at >= @from AND cv.ended_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '')
ORDER BY COUNT(*) DESC, COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '');
