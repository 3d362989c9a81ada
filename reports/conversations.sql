-- The queries of reports/conversations.json, one per section: "-- name: headlines", then one per sheet by its name.
-- Portable SQL with the dialect tokens ({DAY:…}, {SECONDS:…}, {LIMIT:…}) and @from / @to; see docs/ARCHITECTURE.md.

-- name: headlines
SELECT COUNT(*) AS conversations, SUM(CASE WHEN cv.channels LIKE '%,%,%,%' THEN 1 ELSE 0 END) AS omnichannel, SUM(CASE WHEN cv.ended_at IS NULL THEN 1 ELSE 0 END) AS still_open, AVG({SECONDS:cv.started_at,cv.ended_at} * 1.0) AS average_duration_seconds, AVG({SECONDS:cv.started_at,fr.first_reply} * 1.0) AS average_first_response_seconds
FROM conversations cv
LEFT JOIN (SELECT conversation_id, MIN(occurred_at) AS first_reply FROM interactions WHERE direction = 'outbound' AND occurred_at >= @from GROUP BY conversation_id) fr ON fr.conversation_id = cv.id
WHERE cv.started_at >= @from AND cv.started_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id};

-- name: By channels
SELECT cv.channels AS channels, COUNT(*) AS conversations, SUM(cv.interaction_count) AS interactions
FROM conversations cv
WHERE cv.started_at >= @from AND cv.started_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY cv.channels
ORDER BY COUNT(*) DESC, cv.channels;

-- name: Conversations
SELECT cv.id AS conversation_id, cv.contact_id AS contact_id, c.display_name AS contact_name, cv.channels AS channels, cv.started_at AS started_at, cv.ended_at AS ended_at, {SECONDS:cv.started_at,cv.ended_at} AS duration_seconds, cv.interaction_count AS interactions, cv.agent AS agent, {SECONDS:cv.started_at,fr.first_reply} AS first_response_seconds, cv.status AS status
FROM conversations cv
JOIN contacts c ON c.id = cv.contact_id
LEFT JOIN (SELECT conversation_id, MIN(occurred_at) AS first_reply FROM interactions WHERE direction = 'outbound' AND occurred_at >= @from GROUP BY conversation_id) fr ON fr.conversation_id = cv.id
WHERE cv.started_at >= @from AND cv.started_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
ORDER BY cv.started_at, cv.id;

-- name: Outcomes
SELECT COALESCE(l.label, '(no wrap-up code)') AS outcome, COALESCE(cv.agent, '(no agent)') AS agent, COALESCE(cv.last_channel, '') AS channel, COUNT(*) AS conversations, SUM({SECONDS:cv.started_at,cv.ended_at}) AS handling_seconds, AVG({SECONDS:cv.started_at,cv.ended_at} * 1.0) AS average_handling_seconds
FROM conversations cv
LEFT JOIN (SELECT conversation_id, MIN(id) AS first_id FROM conversation_wrap_ups GROUP BY conversation_id) f ON f.conversation_id = cv.id
LEFT JOIN conversation_wrap_ups w ON w.id = f.first_id
LEFT JOIN wrap_up_code_labels l ON l.version_id = w.version_id AND l.language = 'en'
WHERE cv.status = 'ended' AND cv.ended_at >= @from AND cv.ended_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '')
ORDER BY COUNT(*) DESC, COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '');
