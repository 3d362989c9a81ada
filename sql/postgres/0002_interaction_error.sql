-- The provider's error for a failed or undelivered interaction, e.g. Twilio 30007.
ALTER TABLE interactions ADD error varchar(500) NULL;
