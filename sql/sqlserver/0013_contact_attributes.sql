-- Typed contact attributes: an administrator's schema (text, number, boolean, date, one-of) and each contact's values,
-- stored in a canonical text form (numbers invariant, dates yyyy-MM-dd, booleans true/false) so that "tier = gold" is an
-- index probe on (attr_key, value).
CREATE TABLE contact_attribute_definitions (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    attr_key nvarchar(64) NOT NULL,
    type nvarchar(16) NOT NULL,
    allowed_values nvarchar(4000) NULL,
    required bigint NOT NULL,
    label nvarchar(200) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_contact_attribute_definitions_key ON contact_attribute_definitions(attr_key);

CREATE TABLE contact_attributes (
    contact_id bigint NOT NULL REFERENCES contacts(id),
    attr_key nvarchar(64) NOT NULL,
    value nvarchar(400) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL,
    PRIMARY KEY (contact_id, attr_key)
);
CREATE INDEX ix_contact_attributes_value ON contact_attributes(attr_key, value, contact_id);
