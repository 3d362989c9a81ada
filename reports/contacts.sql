-- The queries of reports/contacts.json, one per section: "-- name: headlines", then one per sheet by its name.
-- Portable SQL with the dialect tokens ({DAY:…}, {SECONDS:…}, {LIMIT:…}) and @from / @to; see docs/ARCHITECTURE.md.

-- name: headlines
SELECT (SELECT COUNT(*) FROM contacts WHERE created_at >= @from AND created_at < @to) AS new_contacts, (SELECT COUNT(DISTINCT i.contact_id) FROM interactions i JOIN contacts c ON c.id = i.contact_id WHERE i.occurred_at >= @from AND i.occurred_at < @to AND c.created_at < @from) AS returning_contacts, (SELECT COUNT(*) FROM duplicate_candidates WHERE detected_at < @to AND (resolved_at IS NULL OR resolved_at >= @to)) AS pending_duplicates;

-- name: By day
SELECT d.day AS day, (SELECT COUNT(*) FROM contacts c WHERE c.created_at >= d.day_from AND c.created_at < d.day_to) AS new_contacts, (SELECT COUNT(DISTINCT i.contact_id) FROM interactions i JOIN contacts c ON c.id = i.contact_id WHERE i.occurred_at >= d.day_from AND i.occurred_at < d.day_to AND c.created_at < d.day_from) AS returning_contacts
FROM {REPORT_DAYS} d
ORDER BY d.day;

-- name: Duplicates
SELECT d.contact_id AS contact_id, a.display_name AS contact_name, d.other_contact_id AS other_contact_id, b.display_name AS other_name, d.reason AS reason, d.detected_at AS detected_at
FROM duplicate_candidates d
JOIN contacts a ON a.id = d.contact_id
JOIN contacts b ON b.id = d.other_contact_id
WHERE d.detected_at < @to AND (d.resolved_at IS NULL OR d.resolved_at >= @to)
ORDER BY d.detected_at, d.id;
