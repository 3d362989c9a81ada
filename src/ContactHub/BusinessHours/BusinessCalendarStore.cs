using System.Text.Json;
using ContactHub.Data;
using Dapper;

namespace ContactHub.BusinessHours;

public sealed record BusinessCalendarInput(string Name, string TimeZone, IReadOnlyDictionary<string, IReadOnlyList<string[]>> Weekly, IReadOnlyList<Holiday> Holidays, bool IsDefault);

/// <summary>The calendars; at most one is the default (making one the default unmarks the others).</summary>
public sealed class BusinessCalendarStore(Db db, TimeProvider clock)
{
    private sealed record Row(long Id, string Name, string TimeZone, string Weekly, string Holidays, long IsDefault, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public BusinessCalendar ToCalendar() => new(Id, Name, TimeZone,
            JsonSerializer.Deserialize<Dictionary<string, List<string[]>>>(Weekly)!.ToDictionary(d => d.Key, d => (IReadOnlyList<string[]>)d.Value),
            JsonSerializer.Deserialize<List<Holiday>>(Holidays)!, IsDefault == 1, CreatedAt, UpdatedAt);
    }

    private const string Columns = "SELECT id, name, time_zone, weekly, holidays, is_default, created_at, updated_at FROM business_calendars\n";
    private const string ListSql = Columns + "ORDER BY name";
    private const string GetSql = Columns + "WHERE id = @id";
    private const string DefaultSql = Columns + "WHERE is_default = 1 ORDER BY id {LIMIT:1}";
    private const string InsertSql = """
        INSERT INTO business_calendars (name, time_zone, weekly, holidays, is_default, created_at, updated_at) {OUTPUT_ID}
        VALUES (@name, @timeZone, @weekly, @holidays, @isDefault, @now, @now) {RETURNING_ID}
        """;
    private const string UpdateSql = """
        UPDATE business_calendars SET name = @name, time_zone = @timeZone, weekly = @weekly, holidays = @holidays, is_default = @isDefault, updated_at = @now
        WHERE id = @id
        """;
    private const string UnmarkDefaultSql = "UPDATE business_calendars SET is_default = 0 WHERE is_default = 1 AND id <> @id";
    private const string DeleteSql = "DELETE FROM business_calendars WHERE id = @id";

    public async Task<IReadOnlyList<BusinessCalendar>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), cancellationToken: ct))).Select(r => r.ToCalendar()).ToList();
    }

    public async Task<BusinessCalendar?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { id }, cancellationToken: ct)))?.ToCalendar();
    }

    public async Task<BusinessCalendar?> DefaultAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(DefaultSql), cancellationToken: ct)))?.ToCalendar();
    }

    /// <summary>Creates (id null) or replaces a calendar; its id, or null when the one to replace does not exist.</summary>
    public Task<long?> SaveAsync(long? id, BusinessCalendarInput c, CancellationToken ct) =>
        db.InTransactionAsync<long?>(async (connection, tx) =>
        {
            var args = new
            {
                id, name = c.Name, timeZone = c.TimeZone, weekly = JsonSerializer.Serialize(c.Weekly), holidays = JsonSerializer.Serialize(c.Holidays),
                isDefault = c.IsDefault ? 1 : 0, now = clock.GetUtcNow(),
            };
            long saved;
            if (id is null)
                saved = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(InsertSql), args, tx, cancellationToken: ct));
            else if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) == 0)
                return null;
            else
                saved = id.Value;
            if (c.IsDefault) await connection.ExecuteAsync(new CommandDefinition(db.Sql(UnmarkDefaultSql), new { id = saved }, tx, cancellationToken: ct));
            return saved;
        }, ct);

    public async Task<bool> DeleteAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { id }, cancellationToken: ct)) > 0;
    }
}
