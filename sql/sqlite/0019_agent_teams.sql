-- Teams (or queues): the agents who belong to one and the managers who receive its reports. A report schedule may cover
-- a team, some agents, channels or wrap-up codes, and may send each manager only their own team.
CREATE TABLE agent_teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    calendar TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_agent_teams_name ON agent_teams(name);

CREATE TABLE agent_team_members (
    team_id INTEGER NOT NULL REFERENCES agent_teams(id),
    agent TEXT NOT NULL,
    PRIMARY KEY (team_id, agent)
);

CREATE TABLE agent_team_managers (
    team_id INTEGER NOT NULL REFERENCES agent_teams(id),
    email TEXT NOT NULL,
    PRIMARY KEY (team_id, email)
);
CREATE INDEX ix_agent_team_managers_email ON agent_team_managers(email);

ALTER TABLE report_schedules ADD COLUMN scope_team TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN scope_agents TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN scope_channels TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN scope_wrap_ups TEXT NULL;
ALTER TABLE report_schedules ADD COLUMN per_recipient_team INTEGER NOT NULL DEFAULT 0;
