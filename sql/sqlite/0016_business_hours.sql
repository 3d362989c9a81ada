-- Business-hours calendars: weekly opening hours in a time zone, holidays and closures by local date. Service levels are
-- counted in business time against one of them (the default unless a report names another).
CREATE TABLE business_calendars (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    weekly TEXT NOT NULL,
    holidays TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_business_calendars_name ON business_calendars(name);
