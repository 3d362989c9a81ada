-- A campaign's message text (when no template) and the agent its follow-up tasks go to.
ALTER TABLE campaigns ADD COLUMN body TEXT NULL;
ALTER TABLE campaigns ADD COLUMN assign_to TEXT NULL;
