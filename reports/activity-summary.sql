-- The queries of reports/activity-summary.json, one per section: "-- name: headlines", then one per sheet by its name.
-- Portable SQL with the dialect tokens ({DAY:…}, {SECONDS:…}, {LIMIT:…}), @from / @to, and {SCOPE:agent,channel,conversation id} where a scoped schedule narrows it (a team, channels, wrap-up codes); see docs/ARCHITECTURE.md.

-- name: headlines
SELECT COUNT(*) AS interactions, COALESCE(SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END), 0) AS calls, COALESCE(SUM(CASE WHEN channel = 'call' AND direction = 'inbound' AND status IN ('missed', 'voicemail') THEN 1 ELSE 0 END), 0) AS missed_calls, AVG(CASE WHEN channel = 'call' AND duration_seconds > 0 THEN duration_seconds * 1.0 END) AS average_call_seconds, COUNT(DISTINCT contact_id) AS contacts, COUNT(DISTINCT conversation_id) AS conversations
FROM interactions
WHERE occurred_at >= @from AND occurred_at < @to {SCOPE:agent,channel,conversation_id};

-- name: By day
-- Missed calls count inbound calls and call time calls: other rows leave them blank (NULL) rather than show a 0 that means "does not apply".
SELECT d.day AS day, i.channel AS channel, i.direction AS direction, COUNT(*) AS interactions, SUM(CASE WHEN i.channel = 'call' AND i.direction = 'inbound' THEN CASE WHEN i.status IN ('missed', 'voicemail') THEN 1 ELSE 0 END END) AS missed_calls, SUM(CASE WHEN i.channel = 'call' THEN COALESCE(i.duration_seconds, 0) END) AS duration_seconds
FROM {REPORT_DAYS} d
JOIN interactions i ON i.occurred_at >= d.day_from AND i.occurred_at < d.day_to {SCOPE:i.agent,i.channel,i.conversation_id}
GROUP BY d.day, i.channel, i.direction
ORDER BY d.day, i.channel, i.direction;

-- name: By agent
SELECT COALESCE(agent, '(no agent)') AS agent, COUNT(*) AS interactions, SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) AS calls, SUM(CASE WHEN channel <> 'call' THEN 1 ELSE 0 END) AS messages, AVG(CASE WHEN channel = 'call' AND duration_seconds > 0 THEN duration_seconds * 1.0 END) AS average_call_seconds, COUNT(DISTINCT conversation_id) AS conversations
FROM interactions
WHERE occurred_at >= @from AND occurred_at < @to {SCOPE:agent,channel,conversation_id}
GROUP BY COALESCE(agent, '(no agent)')
ORDER BY COUNT(*) DESC, COALESCE(agent, '(no agent)');

-- name: Missed calls
SELECT i.occurred_at AS occurred_at, i.contact_id AS contact_id, c.display_name AS contact_name, i.agent AS agent, CASE WHEN EXISTS (SELECT 1 FROM interactions r WHERE r.contact_id = i.contact_id AND r.direction = 'outbound' AND r.occurred_at > i.occurred_at) THEN 'yes' ELSE 'no' END AS called_back
FROM interactions i
JOIN contacts c ON c.id = i.contact_id
WHERE i.channel = 'call' AND i.direction = 'inbound' AND i.status IN ('missed', 'voicemail') AND i.occurred_at >= @from AND i.occurred_at < @to {SCOPE:i.agent,i.channel,i.conversation_id}
ORDER BY i.occurred_at, i.id;

-- name: Outcomes
SELECT COALESCE(l.label, '(no wrap-up code)') AS outcome, COALESCE(cv.agent, '(no agent)') AS agent, COALESCE(cv.last_channel, '') AS channel, COUNT(*) AS conversations, SUM({SECONDS:cv.started_at,cv.ended_at}) AS handling_seconds, AVG({SECONDS:cv.started_at,cv.ended_at} * 1.0) AS average_handling_seconds
FROM conversations cv
LEFT JOIN conversation_wrap_ups w ON w.id = (SELECT MIN(f.id) FROM conversation_wrap_ups f WHERE f.conversation_id = cv.id)
LEFT JOIN wrap_up_code_labels l ON l.version_id = w.version_id AND l.language = 'en'
WHERE cv.status = 'ended' AND cv.ended_at >= @from AND cv.ended_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '')
ORDER BY COUNT(*) DESC, COALESCE(l.label, '(no wrap-up code)'), COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, '');

-- name: Satisfaction
SELECT COALESCE(cv.agent, '(no agent)') AS agent, COALESCE(cv.last_channel, '') AS channel, COALESCE(l.label, '(no wrap-up code)') AS outcome, COUNT(*) AS answers, AVG(s.score * 1.0) AS average_score, SUM(CASE WHEN s.score <= 2 THEN 1 ELSE 0 END) AS low_scores, SUM(CASE WHEN s.score >= 4 THEN 1 ELSE 0 END) AS satisfied
FROM csat_surveys s
JOIN conversations cv ON cv.id = s.conversation_id
LEFT JOIN conversation_wrap_ups w ON w.id = (SELECT MIN(f.id) FROM conversation_wrap_ups f WHERE f.conversation_id = cv.id)
LEFT JOIN wrap_up_code_labels l ON l.version_id = w.version_id AND l.language = 'en'
WHERE s.answered_at >= @from AND s.answered_at < @to {SCOPE:cv.agent,cv.last_channel,cv.id}
GROUP BY COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, ''), COALESCE(l.label, '(no wrap-up code)')
ORDER BY COUNT(*) DESC, COALESCE(cv.agent, '(no agent)'), COALESCE(cv.last_channel, ''), COALESCE(l.label, '(no wrap-up code)');
