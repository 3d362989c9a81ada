-- A campaign's message text (when no template) and the agent its follow-up tasks go to.
ALTER TABLE campaigns ADD body nvarchar(max) NULL;
ALTER TABLE campaigns ADD assign_to nvarchar(200) NULL;
