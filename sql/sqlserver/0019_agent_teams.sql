-- Teams (or queues): the agents who belong to one and the managers who receive its reports. A report schedule may cover
-- a team, some agents, channels or wrap-up codes, and may send each manager only their own team.
CREATE TABLE agent_teams (
    id bigint IDENTITY(1,1) PRIMARY KEY,
    name nvarchar(100) NOT NULL,
    calendar nvarchar(100) NULL,
    created_at datetimeoffset(7) NOT NULL,
    updated_at datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_agent_teams_name ON agent_teams(name);

CREATE TABLE agent_team_members (
    team_id bigint NOT NULL REFERENCES agent_teams(id),
    agent nvarchar(100) NOT NULL,
    PRIMARY KEY (team_id, agent)
);

CREATE TABLE agent_team_managers (
    team_id bigint NOT NULL REFERENCES agent_teams(id),
    email nvarchar(100) NOT NULL,
    PRIMARY KEY (team_id, email)
);
CREATE INDEX ix_agent_team_managers_email ON agent_team_managers(email);

ALTER TABLE report_schedules ADD scope_team nvarchar(100) NULL;
ALTER TABLE report_schedules ADD scope_agents nvarchar(2000) NULL;
ALTER TABLE report_schedules ADD scope_channels nvarchar(2000) NULL;
ALTER TABLE report_schedules ADD scope_wrap_ups nvarchar(2000) NULL;
ALTER TABLE report_schedules ADD per_recipient_team bigint NOT NULL DEFAULT 0;
