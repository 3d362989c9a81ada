-- Free tags on contacts and conversations, normalised (lower case, dashes for spaces). The (tag, id) indexes make
-- "contacts tagged vip" an index probe at any size; the primary keys make a tag given twice one tag.
CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    tag TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX ix_contact_tags_tag ON contact_tags(tag, contact_id);

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    tag TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX ix_conversation_tags_tag ON conversation_tags(tag, conversation_id);
