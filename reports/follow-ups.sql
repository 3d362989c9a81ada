-- The queries of reports/follow-ups.json, one per section: "-- name: headlines", then one per sheet by its name.
-- Portable SQL with the dialect tokens ({DAY:…}, {SECONDS:…}, {LIMIT:…}) and @from / @to; see docs/ARCHITECTURE.md.
-- Open and overdue are as the period ended, not as today: a task done since was still open then (read "as today", last
-- week's figures, and every comparison with the previous period, left out the tasks done since).

-- name: headlines
SELECT SUM(CASE WHEN created_at < @to AND (status = 'open' OR (status = 'done' AND completed_at >= @to)) THEN 1 ELSE 0 END) AS open_count, SUM(CASE WHEN created_at < @to AND due_at < @to AND (status = 'open' OR (status = 'done' AND completed_at >= @to)) THEN 1 ELSE 0 END) AS overdue, SUM(CASE WHEN created_at >= @from AND created_at < @to THEN 1 ELSE 0 END) AS created, SUM(CASE WHEN completed_at >= @from AND completed_at < @to THEN 1 ELSE 0 END) AS completed
FROM follow_ups;

-- name: By agent
SELECT COALESCE(assigned_to, '(unassigned)') AS agent, SUM(CASE WHEN created_at < @to AND (status = 'open' OR (status = 'done' AND completed_at >= @to)) THEN 1 ELSE 0 END) AS open_count, SUM(CASE WHEN created_at < @to AND due_at < @to AND (status = 'open' OR (status = 'done' AND completed_at >= @to)) THEN 1 ELSE 0 END) AS overdue, SUM(CASE WHEN created_at >= @from AND created_at < @to THEN 1 ELSE 0 END) AS created, SUM(CASE WHEN completed_at >= @from AND completed_at < @to THEN 1 ELSE 0 END) AS completed
FROM follow_ups
GROUP BY COALESCE(assigned_to, '(unassigned)')
ORDER BY SUM(CASE WHEN created_at < @to AND due_at < @to AND (status = 'open' OR (status = 'done' AND completed_at >= @to)) THEN 1 ELSE 0 END) DESC, COALESCE(assigned_to, '(unassigned)');

-- name: Overdue
SELECT f.id AS id, f.title AS title, f.contact_id AS contact_id, c.display_name AS contact_name, f.assigned_to AS agent, f.due_at AS due_at, f.created_at AS created_at
FROM follow_ups f
JOIN contacts c ON c.id = f.contact_id
WHERE f.created_at < @to AND f.due_at < @to AND (f.status = 'open' OR (f.status = 'done' AND f.completed_at >= @to))
ORDER BY f.due_at, f.id;
