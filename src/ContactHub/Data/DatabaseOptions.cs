using System.ComponentModel.DataAnnotations;

namespace ContactHub.Data;

public enum DatabaseProvider { Sqlite, SqlServer, Postgres }

public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public string? Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public string? ConnectionString { get; set; } = "Data Source=data/contacthub.db";

    /// <summary>Apply pending migrations when the service starts (the `migrate` command always does).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// On PostgreSQL and SQL Server, how many hot reads (screen-pop, contact, timeline) run at once; the others queue in order.
    /// 0: two per processor of this machine (raise it where the database has cores of its own). See <see cref="ReadConnections"/>.
    /// </summary>
    public int ConcurrentReads { get; set; }

    public DatabaseProvider ProviderKind => Enum.Parse<DatabaseProvider>(Provider!, ignoreCase: true);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out _) || int.TryParse(Provider, out _))
            yield return new($"{Section}:Provider must be one of Sqlite, SqlServer, Postgres (was '{Provider}').", [nameof(Provider)]);
        if (ConcurrentReads is < 0 or > 1_000)
            yield return new($"{Section}:ConcurrentReads must be 0 (two per processor) to 1000 (was {ConcurrentReads}).", [nameof(ConcurrentReads)]);
        if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return new($"{Section}:ConnectionString is required.", [nameof(ConnectionString)]);
        else if (Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var provider) && Unreadable(provider, ConnectionString) is { } reason)
            yield return new($"{Section}:ConnectionString is not a {provider} connection string: {reason}", [nameof(ConnectionString)]);
    }

    /// <summary>
    /// Why the engine's driver refuses the connection string, in its words — a key it does not know or a value it cannot read, never
    /// the values themselves (the password is among them). "Max Pool Size", SQL Server's spelling, is not Npgsql's, for one.
    /// </summary>
    private static string? Unreadable(DatabaseProvider provider, string connectionString)
    {
        try
        {
            _ = provider switch
            {
                DatabaseProvider.Postgres => new Npgsql.NpgsqlConnectionStringBuilder(connectionString),
                DatabaseProvider.SqlServer => new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString),
                _ => (System.Data.Common.DbConnectionStringBuilder)new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString),
            };
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return ex.Message;
        }
    }
}
