using System.Diagnostics;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Hosting;

public sealed class StartupTests
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("contacthub-start-").FullName;

    [Fact]
    public async Task A_bad_provider_stops_start_up_with_one_line_naming_the_key()
    {
        var (code, output) = await HostProcess.RunAsync("--Database:Provider=Oracle", $"--Security:InitialKeyFile={Folder}/k1.txt");

        Assert.NotEqual(0, code);
        Assert.Contains("Database:Provider must be one of Sqlite, SqlServer, Postgres (was 'Oracle').", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task A_missing_connection_string_names_its_key()
    {
        var (code, output) = await HostProcess.RunAsync("migrate", "--Database:ConnectionString=", $"--Security:InitialKeyFile={Folder}/k2.txt");

        Assert.NotEqual(0, code);
        Assert.Contains("Database:ConnectionString is required.", output);
    }

    [Fact]
    public async Task A_negative_number_of_concurrent_reads_stops_start_up_naming_its_key()
    {
        var (code, output) = await HostProcess.RunAsync("--Database:ConcurrentReads=-1", $"--Security:InitialKeyFile={Folder}/k6.txt");

        Assert.NotEqual(0, code);
        Assert.Contains("Database:ConcurrentReads must be 0 (two per processor) to 1000 (was -1).", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("Sqlite", "-1", "Database:GroupCommitConnections must be 0 (a transaction per event) to 64 (was -1).")]
    [InlineData("SqlServer", "65", "Database:GroupCommitConnections must be 0 (a transaction per event) to 64 (was 65).")]
    public async Task A_group_commit_setting_out_of_range_stops_start_up_naming_its_key(string provider, string lanes, string expected)
    {
        var connection = provider == "SqlServer" ? "Server=db.example;User ID=contacthub;Password=s3cret-value" : $"Data Source={Folder}/gc.db";
        var (code, output) = await HostProcess.RunAsync("migrate", $"--Database:Provider={provider}", $"--Database:ConnectionString={connection}",
            $"--Database:GroupCommitConnections={lanes}", $"--Security:InitialKeyFile={Folder}/k7.txt");

        Assert.Equal(2, code);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("s3cret-value", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("Postgres", "Host=db.example;Username=contacthub;Password=s3cret-value;Max Pool Size=8", "max pool size")]
    [InlineData("SqlServer", "Server=db.example;User ID=contacthub;Password=s3cret-value;Maximum Pool Size=8", "maximum pool size")]
    [InlineData("Sqlite", "Data Source=x.db;Password=s3cret-value;Journal=wal", "journal")]
    public async Task A_connection_string_the_driver_cannot_read_stops_start_up_with_one_line_naming_the_key_and_not_the_password(string provider, string connection, string key)
    {
        // Npgsql spells it "Maximum Pool Size" and SqlClient "Max Pool Size": the other's spelling used to end in an unhandled exception.
        var (code, output) = await HostProcess.RunAsync("migrate", $"--Database:Provider={provider}", $"--Database:ConnectionString={connection}",
            $"--Security:InitialKeyFile={Folder}/k5.txt");

        Assert.Equal(2, code);
        Assert.Contains($"Database:ConnectionString is not a {provider} connection string:", output);
        Assert.Contains(key, output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret-value", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("--Security:RequireHttps=yes-please-x", "Security:RequireHttps must be true or false.")]
    [InlineData("--Retention:EventsDays=ten-days-x", "Retention:EventsDays must be a whole number.")]
    [InlineData("--Security:KeyCacheDuration=soon-x", "Security:KeyCacheDuration must be a duration written [d.]hh:mm:ss")]
    [InlineData("--Database:MigrateOnStart=maybe-x", "Database:MigrateOnStart must be true or false.")] // read while the service is composed
    [InlineData("--Urls=%%bad%%", "Urls: \"%%bad%%\" is not an address to listen on")]
    [InlineData("--Logging:LogLevel:Default=loud-x", "Logging:LogLevel:… must be one of Trace, Debug, Information, Warning, Error, Critical, None.")]
    [InlineData("--Desk:Oidc:ClientId=desk-x", "Desk:Oidc:Authority is required with Desk:Oidc:ClientId")] // every request failed with a 500 before
    public async Task A_setting_of_the_wrong_type_stops_start_up_with_one_line_naming_it(string setting, string line)
    {
        var port = HostProcess.FreePort();
        var (code, output) = await HostProcess.RunAsync($"--Urls=http://127.0.0.1:{port}", $"--Database:ConnectionString=Data Source={Folder}/typed.db",
            $"--Security:InitialKeyFile={Folder}/k6.txt", setting);

        Assert.True(code == 2, output);
        Assert.Contains(line, output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
        if (!setting.StartsWith("--Urls", StringComparison.Ordinal) && !setting.StartsWith("--Desk", StringComparison.Ordinal)) Assert.DoesNotContain(setting[(setting.IndexOf('=') + 1)..], output); // the value is not echoed
    }

    [Fact]
    public async Task A_command_written_after_the_settings_is_refused_instead_of_starting_the_service()
    {
        var db = $"--Database:ConnectionString=Data Source={Folder}/order.db";
        var (code, output) = await HostProcess.RunAsync(db, $"--Security:InitialKeyFile={Folder}/k4.txt", "--Logging:LogLevel:Default", "Warning", "migrate");

        Assert.Equal(2, code);
        Assert.Contains("\"migrate\" comes after the settings: write the command first, e.g. ContactHub migrate", output);
        Assert.False(File.Exists($"{Folder}/order.db"), "nothing ran");
    }

    [Fact]
    public async Task The_service_starts_on_sqlite_and_is_ready_within_15_seconds()
    {
        var port = HostProcess.FreePort();
        var watch = Stopwatch.StartNew();
        await using var host = HostProcess.Start($"--Urls=http://127.0.0.1:{port}",
            $"--Database:ConnectionString=Data Source={Folder}/ready.db", $"--Security:InitialKeyFile={Folder}/ready-key.txt");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var ready = false;
        while (!ready && watch.Elapsed < TimeSpan.FromSeconds(15) && !host.HasExited)
        {
            try { ready = (await http.GetAsync("/health/ready")).IsSuccessStatusCode; }
            catch (HttpRequestException) { await Task.Delay(200); }
        }

        Assert.True(ready, "not ready within 15 s:\n" + host.Output);
        Assert.True(File.Exists($"{Folder}/ready-key.txt"));
        Assert.Contains(File.ReadAllText($"{Folder}/ready-key.txt").Trim(), host.Output); // printed once on the console
        Assert.Equal(200, (int)(await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_migrate_and_apikey_commands_manage_the_database_and_exit()
    {
        var db = $"--Database:ConnectionString=Data Source={Folder}/cli.db";

        var migrate = await HostProcess.RunAsync("migrate", db);
        var create = await HostProcess.RunAsync("apikey", "create", "--name", "crm", "--scopes", "read", db);
        var list = await HostProcess.RunAsync("apikey", "list", db);
        var revoke = await HostProcess.RunAsync("apikey", "revoke", "crm", db);
        var badScope = await HostProcess.RunAsync("apikey", "create", "--name", "x", "--scopes", "root", db);

        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("migration", migrate.Output);
        Assert.True(create.ExitCode == 0, create.Output);
        Assert.Matches("chk_[0-9a-f]{12}_[0-9a-f]{64}", create.Output);
        Assert.Contains("crm", list.Output);
        Assert.DoesNotMatch("chk_[0-9a-f]{12}_[0-9a-f]{64}", list.Output);
        Assert.True(revoke.ExitCode == 0, revoke.Output);
        Assert.Contains("Revoked 1", revoke.Output);
        Assert.Equal(2, badScope.ExitCode);
    }

    [Fact]
    public async Task Listing_or_revoking_keys_on_a_database_never_migrated_applies_the_migrations_first()
    {
        // They read api_keys before anything created it: "no such table" (an unhandled exception before that).
        var list = await HostProcess.RunAsync("apikey", "list", $"--Database:ConnectionString=Data Source={Folder}/fresh-list.db");
        var revoke = await HostProcess.RunAsync("apikey", "revoke", "crm", $"--Database:ConnectionString=Data Source={Folder}/fresh-revoke.db");

        Assert.True(list.ExitCode == 0, list.Output);
        Assert.DoesNotContain("no such table", list.Output);
        Assert.Equal(1, revoke.ExitCode);
        Assert.Contains("No active key matches 'crm'.", revoke.Output);
    }

    [Fact]
    public async Task The_service_watches_its_settings_without_an_inotify_watch_over_the_content_root_that_holds_the_database()
    {
        // The default database is data/contacthub.db under the content root. The framework's file watcher watches the content root's
        // whole tree through inotify, so every write to the database's WAL woke it: 16% of an import's time (sys time 12.1 → 7.0 s).
        var root = Directory.CreateDirectory(Path.Combine(Folder, "content-root")).FullName;
        File.WriteAllText(Path.Combine(root, "appsettings.json"), "{}");
        var port = HostProcess.FreePort();
        await using var host = HostProcess.Start($"--contentRoot={root}", $"--Urls=http://127.0.0.1:{port}", "--Security:InitialKeyFile=key.txt");
        await HostProcess.WaitUntilServingAsync(port, host);

        Assert.True(File.Exists(Path.Combine(root, "data", "contacthub.db")), "the default database lies under the content root");
        var watches = Directory.GetFiles($"/proc/{host.Id}/fdinfo")
            .Sum(fd => { try { return File.ReadLines(fd).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)); } catch (IOException) { return 0; } });
        Assert.Equal(0, watches);
    }

    [Fact]
    public async Task A_service_that_uses_neither_Graph_nor_a_server_engine_does_not_load_their_libraries()
    {
        // The Graph SDK (47 MB) was built at start-up for a report destination, and both server engines' drivers were loaded to
        // check the connection string: ~13 MiB of the idle service's resident memory, in every service (docs/BENCHMARKS.md).
        var port = HostProcess.FreePort();
        await using var host = HostProcess.Start($"--Urls=http://127.0.0.1:{port}", $"--Database:ConnectionString=Data Source={Folder}/lean.db",
            $"--Security:InitialKeyFile={Folder}/lean-key.txt");
        await HostProcess.WaitUntilServingAsync(port, host);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", File.ReadAllText($"{Folder}/lean-key.txt").Trim());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/api/v1/reports")).StatusCode);

        var mapped = File.ReadLines($"/proc/{host.Id}/maps").Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())).ToHashSet();
        Assert.Contains("ContactHub.dll", mapped); // the check reads the right list
        Assert.DoesNotContain("Microsoft.Graph.dll", mapped);
        Assert.DoesNotContain("Npgsql.dll", mapped);
        Assert.DoesNotContain("Microsoft.Data.SqlClient.dll", mapped);
    }
}
