using ContactHub.Data;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// A real database engine for one test class: a throwaway database created on the server named by
/// CONTACTHUB_TEST_POSTGRES / CONTACTHUB_TEST_SQLSERVER (or a temp file for SQLite) and dropped after.
/// </summary>
public abstract class TestEngine
{
    public abstract DatabaseProvider Provider { get; }

    /// <summary>Why this engine's tests are skipped here, or null when it is available.</summary>
    public abstract string? SkipReason { get; }

    public abstract Task<string> CreateDatabaseAsync(string name);

    public abstract Task DropDatabaseAsync(string connectionString);

    public static TestEngine For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Postgres => new PostgresEngine(),
        DatabaseProvider.SqlServer => new SqlServerEngine(),
        _ => new SqliteEngine(),
    };

    /// <summary>In CI a missing PostgreSQL is a broken machine, not a reason to skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private sealed class SqliteEngine : TestEngine
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
        public override string? SkipReason => null;

        public override Task<string> CreateDatabaseAsync(string name)
        {
            var folder = Path.Combine(Path.GetTempPath(), "contacthub-tests");
            Directory.CreateDirectory(folder);
            return Task.FromResult($"Data Source={Path.Combine(folder, name + ".db")}");
        }

        public override Task DropDatabaseAsync(string connectionString)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                if (File.Exists(file)) File.Delete(file);
            return Task.CompletedTask;
        }
    }

    private sealed class PostgresEngine : TestEngine
    {
        private static readonly string? Server = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_POSTGRES");
        public override DatabaseProvider Provider => DatabaseProvider.Postgres;

        public override string? SkipReason => string.IsNullOrEmpty(Server)
            ? (InCi ? throw new InvalidOperationException("CI=true but CONTACTHUB_TEST_POSTGRES is not set: run the suite through ./test.sh.")
                    : "CONTACTHUB_TEST_POSTGRES is not set (./test.sh sets it up)")
            : null;

        public override async Task<string> CreateDatabaseAsync(string name)
        {
            await using var connection = new NpgsqlConnection(Server);
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
            return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
        }

        public override async Task DropDatabaseAsync(string connectionString)
        {
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            NpgsqlConnection.ClearAllPools();
            // Best effort: a database left behind is dropped by ./test.sh at its next run.
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(Server);
                    await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    return;
                }
                catch (PostgresException) when (attempt < 3)
                {
                    await Task.Delay(500);
                }
                catch (PostgresException)
                {
                    return;
                }
            }
        }
    }

    private sealed class SqlServerEngine : TestEngine
    {
        private static readonly string? Server = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_SQLSERVER");
        public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

        public override string? SkipReason => string.IsNullOrEmpty(Server)
            ? "CONTACTHUB_TEST_SQLSERVER is not set: no SQL Server runs on this machine (T-SQL is still parsed by ScriptDom)"
            : null;

        public override async Task<string> CreateDatabaseAsync(string name)
        {
            await using var connection = new SqlConnection(Server);
            await connection.ExecuteAsync($"CREATE DATABASE [{name}]");
            return new SqlConnectionStringBuilder(Server) { InitialCatalog = name }.ToString();
        }

        public override async Task DropDatabaseAsync(string connectionString)
        {
            var name = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
            SqlConnection.ClearAllPools();
            await using var connection = new SqlConnection(Server);
            await connection.ExecuteAsync($"IF DB_ID('{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}] END");
        }
    }
}
