-- Typed contact attributes: an administrator's schema (text, number, boolean, date, one-of) and each contact's values,
-- stored in a canonical text form (numbers invariant, dates yyyy-MM-dd, booleans true/false) so that "tier = gold" is an
-- index probe on (attr_key, value).
CREATE TABLE contact_attribute_definitions (
    id INTEGER PRIMARY KEY,
    attr_key TEXT NOT NULL,
    type TEXT NOT NULL,
    allowed_values TEXT NULL,
    required INTEGER NOT NULL,
    label TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_contact_attribute_definitions_key ON contact_attribute_definitions(attr_key);

CREATE TABLE contact_attributes (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    attr_key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (contact_id, attr_key)
);
CREATE INDEX ix_contact_attributes_value ON contact_attributes(attr_key, value, contact_id);
