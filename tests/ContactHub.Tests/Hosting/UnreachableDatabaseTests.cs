using ContactHub.Tests.Infrastructure;
using Npgsql;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// A database the service cannot use — no server on that port, no such database, a login refused, a file that cannot be
/// opened — stops start-up and every command with one line saying why and exit code 3. The defects: the driver's exception went
/// unhandled, with its stack trace, and the process aborted (exit code 134); and SQL Server was never reached at all, since
/// SqlClient refuses to open a connection in a process without culture data ("Globalization Invariant Mode is not supported").
/// </summary>
public sealed class UnreachableDatabaseTests
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("contacthub-unreachable-").FullName;

    public static TheoryData<string, string, string, string> Databases() => new()
    {
        { "migrate", "Postgres", "Host=127.0.0.1;Port=1;Username=contacthub;Password=s3cret-value;Timeout=5", "Connection refused" },
        { "", "Postgres", "Host=127.0.0.1;Port=1;Username=contacthub;Password=s3cret-value;Timeout=5", "Connection refused" },
        { "seed-demo", "SqlServer", "Server=127.0.0.1,1;User ID=contacthub;Password=s3cret-value;Connect Timeout=5;TrustServerCertificate=true", "network-related" },
        { "apikey list", "Sqlite", "Data Source=/proc/contacthub-cannot-be-here.db", "unable to open database file" },
        // The migration's lock file cannot be created there either: start-up waited two minutes for a lock nobody held.
        { "", "Sqlite", "Data Source=/proc/contacthub-cannot-be-here.db", "unable to open database file" },
    };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_database_that_cannot_be_used_stops_with_one_line_and_exit_code_3(string command, string provider, string connection, string reason)
    {
        var (code, output) = await HostProcess.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            $"--Database:Provider={provider}", $"--Database:ConnectionString={connection}", "--Urls=http://127.0.0.1:0",
            $"--Security:InitialKeyFile={Folder}/{provider}.txt"]);

        Assert.Equal(3, code);
        Assert.Contains($"The {provider} database cannot be used:", output);
        Assert.Contains(reason, output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Database:ConnectionString", output);
        Assert.DoesNotContain("s3cret-value", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Globalization Invariant Mode", output);
    }

    [SkippableFact]
    public async Task A_database_the_server_does_not_have_is_named_as_the_server_says()
    {
        var server = Environment.GetEnvironmentVariable("CONTACTHUB_TEST_POSTGRES");
        Skip.If(string.IsNullOrEmpty(server), "CONTACTHUB_TEST_POSTGRES is not set (./test.sh sets it up)");
        var missing = new NpgsqlConnectionStringBuilder(server) { Database = "contacthub_never_created" }.ConnectionString;
        var password = new NpgsqlConnectionStringBuilder(server).Password;

        var (code, output) = await HostProcess.RunAsync("import", "/dev/null", "--Database:Provider=Postgres", $"--Database:ConnectionString={missing}",
            $"--Security:InitialKeyFile={Folder}/missing.txt");

        Assert.Equal(3, code);
        Assert.Contains("database \"contacthub_never_created\" does not exist", output);
        Assert.DoesNotContain("   at ", output);
        if (!string.IsNullOrEmpty(password)) Assert.DoesNotContain(password, output);
    }
}
