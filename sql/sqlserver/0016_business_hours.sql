-- Business-hours calendars: weekly opening hours in a time zone, holidays and closures by local date. Service levels are
-- counted in business time against one of them (the default unless a report names another).
CREATE TABLE business_calendars (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    name nvarchar(100) NOT NULL,
    time_zone nvarchar(100) NOT NULL,
    weekly nvarchar(max) NOT NULL,
    holidays nvarchar(max) NOT NULL,
    is_default bigint NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_business_calendars_name ON business_calendars(name);
