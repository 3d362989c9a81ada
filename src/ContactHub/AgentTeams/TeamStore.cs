using ContactHub.Data;
using Dapper;

namespace ContactHub.AgentTeams;

/// <summary>A team (or queue): its agents, the managers its reports go to, and optionally its business-hours calendar.</summary>
public sealed record Team(string Name, IReadOnlyList<string> Agents, IReadOnlyList<string> Managers, string? Calendar, DateTimeOffset UpdatedAt);

public sealed class TeamStore(Db db, TimeProvider clock)
{
    private sealed class Row
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string? Calendar { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }

    private sealed class Member
    {
        public long TeamId { get; set; }
        public string Value { get; set; } = "";
    }

    private const string TeamsSql = "SELECT id, name, calendar, updated_at FROM agent_teams ORDER BY name";
    private const string AgentsSql = "SELECT team_id, agent AS value FROM agent_team_members ORDER BY agent";
    private const string ManagersSql = "SELECT team_id, email AS value FROM agent_team_managers ORDER BY email";
    private const string FindSql = "SELECT id FROM agent_teams WHERE name = @name";
    private const string InsertSql = "INSERT INTO agent_teams (name, calendar, created_at, updated_at) {OUTPUT_ID} VALUES (@name, @calendar, @now, @now) {RETURNING_ID}";
    private const string UpdateSql = "UPDATE agent_teams SET calendar = @calendar, updated_at = @now WHERE id = @id";
    private const string ClearAgentsSql = "DELETE FROM agent_team_members WHERE team_id = @id";
    private const string ClearManagersSql = "DELETE FROM agent_team_managers WHERE team_id = @id";
    private const string AddAgentSql = "INSERT INTO agent_team_members (team_id, agent) VALUES (@id, @value)";
    private const string AddManagerSql = "INSERT INTO agent_team_managers (team_id, email) VALUES (@id, @value)";
    private const string DeleteSql = "DELETE FROM agent_teams WHERE id = @id";

    public async Task<IReadOnlyList<Team>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var teams = (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(TeamsSql), cancellationToken: ct))).AsList();
        var agents = (await connection.QueryAsync<Member>(new CommandDefinition(db.Sql(AgentsSql), cancellationToken: ct))).ToLookup(m => m.TeamId, m => m.Value);
        var managers = (await connection.QueryAsync<Member>(new CommandDefinition(db.Sql(ManagersSql), cancellationToken: ct))).ToLookup(m => m.TeamId, m => m.Value);
        return teams.Select(t => new Team(t.Name, agents[t.Id].ToList(), managers[t.Id].ToList(), t.Calendar, t.UpdatedAt)).ToList();
    }

    public async Task<Team?> GetAsync(string name, CancellationToken ct) => (await ListAsync(ct)).FirstOrDefault(t => t.Name == name);

    /// <summary>Creates or replaces the team (its whole membership); true when it was new.</summary>
    public Task<bool> SaveAsync(string name, IReadOnlyList<string> agents, IReadOnlyList<string> managers, string? calendar, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(db.Sql(FindSql), new { name }, tx, cancellationToken: ct));
            var created = id is null;
            if (id is null)
                id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), new { name, calendar, now }, tx, cancellationToken: ct));
            else
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), new { id, calendar, now }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearAgentsSql), new { id }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearManagersSql), new { id }, tx, cancellationToken: ct));
            foreach (var agent in agents) await connection.ExecuteAsync(new CommandDefinition(db.Sql(AddAgentSql), new { id, value = agent }, tx, cancellationToken: ct));
            foreach (var manager in managers) await connection.ExecuteAsync(new CommandDefinition(db.Sql(AddManagerSql), new { id, value = manager }, tx, cancellationToken: ct));
            return created;
        }, ct);

    public Task<bool> DeleteAsync(string name, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(db.Sql(FindSql), new { name }, tx, cancellationToken: ct)) is not { } id) return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearAgentsSql), new { id }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(ClearManagersSql), new { id }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { id }, tx, cancellationToken: ct)) > 0;
        }, ct);
}
