-- A campaign may send only while a business-hours calendar is open (deferred to its next opening otherwise), beside its quiet hours.
ALTER TABLE campaigns ADD business_hours nvarchar(100) NULL;
