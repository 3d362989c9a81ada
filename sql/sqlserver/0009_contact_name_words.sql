-- Each word of a contact's name, lower-cased and without accents, so that search finds "Zoé Dupont" by "zoe" or "dup"
-- with an index probe on any part of the name. Filled when a name is set; the service fills it for older contacts at start.
CREATE TABLE contact_name_words (
    word nvarchar(100) NOT NULL,
    contact_id bigint NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (word, contact_id)
);
CREATE INDEX ix_contact_name_words_contact ON contact_name_words(contact_id);
