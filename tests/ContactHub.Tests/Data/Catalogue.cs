using ContactHub.Data;
using Dapper;

namespace ContactHub.Tests.Data;

/// <summary>Reads (table, column) pairs from each engine's own catalogue; DbUp's and Quartz's tables are left out.</summary>
public static class Catalogue
{
    public static async Task<List<string>> ColumnsAsync(Db db)
    {
        await using var connection = await db.OpenAsync();
        var sql = db.Provider switch
        {
            DatabaseProvider.Sqlite => """
                SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                """,
            DatabaseProvider.Postgres => """
                SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'
                """,
            _ => "SELECT TABLE_NAME + '.' + COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'dbo'",
        };
        var rows = await connection.QueryAsync<string>(sql);
        return rows.Select(r => r.ToLowerInvariant())
            .Where(r => !r.StartsWith("schemaversions.", StringComparison.Ordinal) && !r.StartsWith("qrtz_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
    }
}
