using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using System.Text;
using Dapper;

namespace ContactHub.Tests.Conversations;

/// <summary>CSV import with the API's rules: recognition, grouping, idempotency; bad rows reported by line, the rest imported.</summary>
public sealed class ImportTests
{
    private const string Csv = """
        channel,direction,occurred_at,duration_seconds,phone,email,name,agent,status,body,provider,provider_ref
        chat,inbound,2026-10-05T09:00:00Z,,+33 6 11 22 33 44,,Ana Lima,,,Can I change my flight?,,
        call,outbound,2026-10-05T09:03:00Z,240,0611223344,,,maria,completed,,genesys,call-1
        sms,outbound,2026-10-05T09:10:00Z,,+33611223344,,,maria,delivered,"Done: Friday 09:40, seat 14C.",,
        email,inbound,2026-10-05T10:00:00Z,,,ben@example.com,Ben Okafor,,,"Receipt for my trip,
        please",,
        fax,inbound,2026-10-05T10:05:00Z,,+33611223344,,,,,,,
        sms,inbound,yesterday,,+33611223344,,,,,,,
        sms,inbound,2026-10-05T10:07:00Z,,12,,,,,,,
        call,inbound,2026-10-05T10:30:00Z,abc,+33699887766,,,,,,,
        """;

    [Fact]
    public async Task A_csv_is_imported_with_the_apis_rules_and_importing_it_again_records_nothing_new()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-import-").FullName;
        try
        {
            var file = Path.Combine(folder, "interactions.csv");
            await File.WriteAllTextAsync(file, Csv);
            var settings = new[] { $"--Database:ConnectionString=Data Source={folder}/import.db", $"--Security:InitialKeyFile={folder}/key.txt", "--Contacts:DefaultRegion=FR" };
            var (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 1, output); // some rows were refused
            Assert.True(output.Contains("8 rows, 4 recorded, 0 already there, 4 refused"), output);
            // Lines as an editor numbers them: the email's quoted body spans lines 5 and 6.
            Assert.Contains("line 7: channel:", output);
            Assert.Contains("line 8: occurred_at: Not a date and time", output);
            Assert.Contains("line 9: phone: Not a valid phone number.", output);
            Assert.Contains("line 10: duration_seconds: Not a whole number of seconds.", output);
            Assert.True(new FileInfo(Path.Combine(folder, "import.db")).Length > 100_000, string.Join(", ", Directory.GetFiles(folder).Select(f => $"{f} {new FileInfo(f).Length}")) + "\n" + output);

            await using (var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder))
            await using (var connection = await db.OpenAsync())
            {
                // The chat, the call and the SMS from one number in various spellings: one contact, one conversation, in order.
                var ana = (await connection.QueryAsync<(string Channel, long Contact, long Conversation)>(
                    "SELECT channel, contact_id, conversation_id FROM interactions WHERE contact_id = (SELECT contact_id FROM contact_identifiers WHERE value = '+33611223344') ORDER BY occurred_at")).ToList();
                Assert.Equal(["chat", "call", "sms"], ana.Select(a => a.Channel));
                Assert.Single(ana.Select(a => a.Conversation).Distinct());
                Assert.Equal("Ana Lima", await connection.ExecuteScalarAsync<string>("SELECT display_name FROM contacts WHERE id = @id", new { id = ana[0].Contact }));
                Assert.Equal("Done: Friday 09:40, seat 14C.", await connection.ExecuteScalarAsync<string>("SELECT body FROM interactions WHERE channel = 'sms'"));
                Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts"));
            }

            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.Contains("8 rows, 0 recorded, 4 already there, 4 refused", output);

            await File.WriteAllTextAsync(file, "channel,direction,colour\nsms,inbound,blue\n");
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.Equal(2, code);
            Assert.Contains("Unknown column \"colour\" (column 3)", output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    /// <summary>Runs <paramref name="test"/> with a folder of its own and the settings of a SQLite database in it.</summary>
    private static async Task InFolderAsync(Func<string, string[], Task> test)
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-import-").FullName;
        try
        {
            await test(folder, [$"--Database:ConnectionString=Data Source={folder}/import.db", $"--Security:InitialKeyFile={folder}/key.txt", "--Contacts:DefaultRegion=FR"]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    // What Excel on Windows saves for "CSV (semicolon delimited)": Windows-1252, semicolons, CRLF, no byte order mark.
    /// <summary>Runs <paramref name="test"/> with a new database on the engine (skipped where it is not available), a folder, and the command's settings.</summary>
    private static async Task OnEngineAsync(DatabaseProvider provider, Func<string, string, string[], Task> test)
    {
        var engine = TestEngine.For(provider);
        Skip.If(engine.SkipReason is not null, engine.SkipReason);
        var folder = Directory.CreateTempSubdirectory("contacthub-import-").FullName;
        var connectionString = await engine.CreateDatabaseAsync("chimp_" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await test(folder, connectionString,
                [$"--Database:Provider={provider}", $"--Database:ConnectionString={connectionString}", $"--Security:InitialKeyFile={folder}/key.txt", "--Contacts:DefaultRegion=FR"]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            await engine.DropDatabaseAsync(connectionString);
            Directory.Delete(folder, true);
        }
    }

    private static byte[] Windows1252(string text) => ImportFile.Windows1252.GetBytes(text.ReplaceLineEndings("\r\n"));

    private const string French = """
        channel;direction;occurred_at;phone;name;body
        call;inbound;2026-10-05T09:00:00Z;06 11 22 33 44;Zoé Martin;Appel reçu : 12 € remboursés
        sms;outbound;2026-10-05T09:05:00Z;06 11 22 33 44;;Remboursement effectué, à bientôt
        """;

    [Fact]
    public async Task A_relative_path_typed_at_the_repositorys_root_is_found_there_when_dotnet_run_runs_the_service_in_its_project()
    {
        // dotnet run --project src/ContactHub runs the service in src/ContactHub, its shell's directory left in PWD: the README's
        // "import interactions.csv" and "report run … --out october.xlsx", typed at the root, mean files there.
        var root = Directory.CreateTempSubdirectory("contacthub-root-").FullName;
        var project = Directory.CreateDirectory(Path.Combine(root, "src", "ContactHub")).FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "ContactHub.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
            await File.WriteAllTextAsync(Path.Combine(root, "interactions.csv"), "channel,direction,occurred_at,phone\nsms,inbound,2026-10-05T09:00:00Z,+33611223344\n");
            var settings = new[] { $"--Database:ConnectionString=Data Source={root}/import.db", $"--Security:InitialKeyFile={root}/key.txt", "--Contacts:DefaultRegion=FR" };
            var shell = new Dictionary<string, string> { ["PWD"] = root };
            var (code, output) = await HostProcess.RunAsync(shell, ["import", "interactions.csv", .. settings], input: null, workingDirectory: project);
            Assert.True(code == 0, output);
            Assert.Contains("1 rows, 1 recorded", output);
            (code, output) = await HostProcess.RunAsync(shell, ["report", "run", "contacts", "--from", "2026-10-01", "--to", "2026-10-31", "--out", "october.xlsx", .. settings],
                input: null, workingDirectory: project);
            Assert.True(code == 0, output);
            Assert.True(File.Exists(Path.Combine(root, "october.xlsx")), output);

            // Run where it is installed (no project file beside it), a path is the current directory's, whatever PWD says.
            (code, output) = await HostProcess.RunAsync(shell, ["import", "interactions.csv", .. settings], input: null, workingDirectory: Path.Combine(root, "src"));
            Assert.Equal(2, code);
            Assert.Contains($"No such file: {Path.Combine(root, "src", "interactions.csv")}", output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public async Task A_file_excel_saved_in_windows_1252_is_imported_with_its_accents()
    {
        await InFolderAsync(async (folder, settings) =>
        {
            var file = Path.Combine(folder, "export.csv");
            await File.WriteAllBytesAsync(file, Windows1252(French));
            var (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 0, output);
            Assert.Contains("is not UTF-8: read as Windows-1252", output);
            Assert.Contains("2 rows, 2 recorded", output);
            await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder);
            await using var connection = await db.OpenAsync();
            Assert.Equal("Zoé Martin", await connection.ExecuteScalarAsync<string>("SELECT display_name FROM contacts"));
            Assert.Equal(["Appel reçu : 12 € remboursés", "Remboursement effectué, à bientôt"],
                await connection.QueryAsync<string>("SELECT body FROM interactions ORDER BY occurred_at"));
        });
    }

    [Fact]
    public async Task Times_without_an_offset_are_wall_clock_times_in_the_time_zone_given_and_utc_without_one()
    {
        await InFolderAsync(async (folder, settings) =>
        {
            var file = Path.Combine(folder, "export.csv");
            // Summer (UTC+2), winter (UTC+1), the night clocks went back (02:30 twice: the first), an explicit offset, and UTC.
            await File.WriteAllTextAsync(file, """
                channel,direction,occurred_at,ended_at,phone
                call,inbound,2026-07-01 09:30,2026-07-01T09:34:00,+33611223344
                call,inbound,2025-12-01T09:30:00,,+33611223345
                call,inbound,2026-10-25 02:30,,+33611223346
                call,inbound,2026-07-01T09:30:00+02:00,,+33611223347
                call,inbound,2026-07-01T09:30:00Z,,+33611223348
                """);
            var (code, output) = await HostProcess.RunAsync(["import", file, "--time-zone", "Europe/Paris", .. settings]);
            Assert.True(code == 0, output);
            await using (var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder))
            await using (var connection = await db.OpenAsync())
            {
                var times = (await connection.QueryAsync<(DateTimeOffset OccurredAt, DateTimeOffset? EndedAt)>("SELECT occurred_at, ended_at FROM interactions ORDER BY id")).ToList();
                Assert.Equal([
                    DateTimeOffset.Parse("2026-07-01T07:30:00Z"), DateTimeOffset.Parse("2025-12-01T08:30:00Z"), DateTimeOffset.Parse("2026-10-25T00:30:00Z"),
                    DateTimeOffset.Parse("2026-07-01T07:30:00Z"), DateTimeOffset.Parse("2026-07-01T09:30:00Z")], times.Select(t => t.OccurredAt));
                Assert.Equal(DateTimeOffset.Parse("2026-07-01T07:34:00Z"), times[0].EndedAt);
            }

            // Without --time-zone such a time is UTC, as the README says; a zone that does not exist is refused before anything is read.
            await File.WriteAllTextAsync(file, "channel,direction,occurred_at,phone\ncall,inbound,2026-07-02 09:30,+33611223349\n");
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 0, output);
            (code, output) = await HostProcess.RunAsync(["import", file, "--time-zone", "Europe/Pariss", .. settings]);
            Assert.True(code == 2, output);
            Assert.Contains("--time-zone is an IANA time zone such as Europe/Paris", output);
            await using (var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder))
            await using (var connection = await db.OpenAsync())
                Assert.Equal(DateTimeOffset.Parse("2026-07-02T09:30:00Z"), await connection.ExecuteScalarAsync<DateTimeOffset>("SELECT occurred_at FROM interactions WHERE id = 6"));
        });
    }

    [Fact]
    public async Task Times_are_iso_8601_or_the_layout_given_never_read_month_first_by_guess()
    {
        await InFolderAsync(async (folder, settings) =>
        {
            var file = Path.Combine(folder, "export.csv");
            // What French Excel writes: day first. Read as the invariant culture reads it, 01/02 was the 2nd of January.
            await File.WriteAllTextAsync(file, """
                channel;direction;occurred_at;phone
                call;inbound;01/02/2026 09:30;+33611223344
                call;inbound;20/11/2026 09:35;+33611223345
                call;inbound;2026-02-01T09:40:00+01:00;+33611223346
                """);
            var (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 1, output);
            Assert.Contains("3 rows, 1 recorded, 0 already there, 2 refused", output);
            Assert.Contains("line 2: occurred_at: Not a date and time (ISO 8601, e.g. 2026-11-24T09:30:00Z; a file in another layout is imported with --date-format, e.g. \"dd/MM/yyyy HH:mm\").", output);
            Assert.Contains("line 3: occurred_at: Not a date and time", output);

            (code, output) = await HostProcess.RunAsync(["import", file, "--date-format", "dd/MM/yyyy HH:mm", "--time-zone", "Europe/Paris", .. settings]);
            Assert.True(code == 0, output);
            Assert.Contains("3 rows, 2 recorded, 1 already there, 0 refused", output);
            await using (var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder))
            await using (var connection = await db.OpenAsync())
                Assert.Equal([DateTimeOffset.Parse("2026-02-01T08:40:00Z"), DateTimeOffset.Parse("2026-02-01T08:30:00Z"), DateTimeOffset.Parse("2026-11-20T08:35:00Z")],
                    await connection.QueryAsync<DateTimeOffset>("SELECT occurred_at FROM interactions ORDER BY id"));

            (code, output) = await HostProcess.RunAsync(["import", file, "--date-format", "dd/MM/yyyy HH:mm zzz", .. settings]);
            Assert.True(code == 2, output);
            Assert.Contains("--date-format is the layout of the file's times without an offset", output);
        });
    }

    [Fact]
    public async Task A_file_that_mixes_encodings_or_belies_its_byte_order_mark_is_refused_before_anything_is_imported()
    {
        await InFolderAsync(async (folder, settings) =>
        {
            var file = Path.Combine(folder, "export.csv");
            // Line 2 in UTF-8, line 3 in Windows-1252 (a file appended to by two programs).
            var lines = French.Split('\n');
            await File.WriteAllBytesAsync(file, [.. Encoding.UTF8.GetBytes(lines[0] + "\n" + lines[1] + "\n"), .. Windows1252(lines[2] + "\n")]);
            var (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 2, output);
            Assert.Contains("Line 3 is not UTF-8, while earlier lines are: the file mixes encodings.", output);
            Assert.Contains("Nothing was imported.", output);

            // UTF-8's byte order mark, then Windows-1252.
            await File.WriteAllBytesAsync(file, [0xEF, 0xBB, 0xBF, .. Windows1252(French)]);
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 2, output);
            Assert.Contains("Line 2 is not UTF-8, though the file begins with UTF-8's byte order mark.", output);

            await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder);
            await using var connection = await db.OpenAsync();
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions"));
        });
    }

    [Fact]
    public async Task Standard_input_is_read_as_utf8_and_stops_at_a_byte_that_is_not_instead_of_changing_it()
    {
        await InFolderAsync(async (folder, settings) =>
        {
            var (code, output) = await HostProcess.RunAsync(new Dictionary<string, string>(), ["import", "-", .. settings], Encoding.UTF8.GetBytes(French));
            Assert.True(code == 0, output);
            Assert.Contains("2 rows, 2 recorded", output);

            (code, output) = await HostProcess.RunAsync(new Dictionary<string, string>(), ["import", "-", .. settings], Windows1252(French));
            Assert.True(code == 2, output);
            Assert.Contains("Standard input is not UTF-8 text (byte 0xE9)", output);

            // A pipe named as a file is read once too (a scan first left nothing for the import: "no \"channel\" column").
            var more = French.Replace("2026-10-05T09:0", "2026-10-06T09:0");
            (code, output) = await HostProcess.RunAsync(new Dictionary<string, string>(), ["import", "/dev/stdin", .. settings], Encoding.UTF8.GetBytes(more));
            Assert.True(code == 0, output);
            Assert.Contains("2 rows, 2 recorded", output);
            (code, output) = await HostProcess.RunAsync(new Dictionary<string, string>(), ["import", "/dev/stdin", .. settings], Windows1252(more));
            Assert.True(code == 2, output);
            Assert.Contains("/dev/stdin is not UTF-8 text (byte 0xE9)", output);
            await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={folder}/import.db", folder);
            await using var connection = await db.OpenAsync();
            Assert.Equal("Zoé Martin", await connection.ExecuteScalarAsync<string>("SELECT display_name FROM contacts"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE body LIKE '%\uFFFD%'"));
        });
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Attribute_columns_set_the_contacts_attributes_and_a_bad_value_is_reported_by_line(DatabaseProvider provider)
    {
        await OnEngineAsync(provider, async (folder, connectionString, settings) =>
        {
            var (code, output) = await HostProcess.RunAsync(["migrate", .. settings]);
            Assert.True(code == 0, output);
            await using (var db = new Db(provider, connectionString, folder))
            await using (var connection = await db.OpenAsync())
                await connection.ExecuteAsync("""
                    INSERT INTO contact_attribute_definitions (attr_key, type, allowed_values, required, label, created_at, updated_at)
                    VALUES ('tier', 'one-of', '["gold","silver"]', 0, NULL, @now, @now)
                    """, new { now = DateTimeOffset.UtcNow });

            var file = Path.Combine(folder, "interactions.csv");
            await File.WriteAllTextAsync(file, """
                channel,direction,occurred_at,phone,attr.tier
                chat,inbound,2026-10-05T09:00:00Z,+33611223344,gold
                chat,inbound,2026-10-05T09:05:00Z,+33699887766,platinum
                call,inbound,2026-10-05T09:10:00Z,+33655443322,
                """);
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 1, output);
            Assert.Contains("3 rows, 2 recorded, 0 already there, 1 refused", output);
            Assert.Contains("line 3: attr.tier: One of gold, silver.", output);
            await using (var db = new Db(provider, connectionString, folder))
            await using (var connection = await db.OpenAsync())
            {
                Assert.Equal("gold", await connection.ExecuteScalarAsync<string>("""
                    SELECT value FROM contact_attributes WHERE attr_key = 'tier' AND contact_id = (SELECT contact_id FROM contact_identifiers WHERE value = '+33611223344')
                    """));
                Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contact_attributes"));
            }

            await File.WriteAllTextAsync(file, "channel,direction,phone,attr.shoe_size\nsms,inbound,+33611223344,42\n");
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.Equal(2, code);
            Assert.Contains("Column \"attr.shoe_size\" (column 4) names no defined attribute; the attributes are: tier.", output);
        });
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_rows_reference_made_from_its_content_starts_with_its_time_as_written_and_a_file_imported_before_that_is_still_already_there(DatabaseProvider provider)
    {
        await OnEngineAsync(provider, async (folder, connectionString, settings) =>
        {
            // Eight customers' rows a minute apart, as an export sorted by time: their references sort as their times do, where
            // the content's hash alone would put them in any order (one chance in 40,320 of this one).
            var file = Path.Combine(folder, "interactions.csv");
            await File.WriteAllTextAsync(file, "channel,direction,occurred_at,phone\n" + string.Concat(Enumerable.Range(0, 8).Select(n =>
                $"sms,inbound,2026-10-05T09:{n:00}:00Z,+336112233{40 + n}\n")));
            var (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 0, output);
            Assert.Contains("8 rows, 8 recorded, 0 already there, 0 refused", output);
            List<string> refs;
            await using (var db = new Db(provider, connectionString, folder))
            await using (var connection = await db.OpenAsync())
                refs = (await connection.QueryAsync<string>("SELECT provider_ref FROM interactions WHERE provider = 'import' ORDER BY occurred_at")).ToList();
            Assert.Equal(8, refs.Count);
            Assert.All(refs, (r, n) => Assert.Matches($"^row:2026100509{n:00}00:[0-9a-f]{{32}}$", r));
            Assert.Equal(refs.Order(StringComparer.Ordinal), refs);

            // The same rows recorded by an import from before the time came first: "row-" and the same 32 digits. Imported again,
            // they are already there, and a new row of the file is recorded.
            await using (var db = new Db(provider, connectionString, folder))
            await using (var connection = await db.OpenAsync())
                await connection.ExecuteAsync("UPDATE interactions SET provider_ref = 'row-' || SUBSTR(provider_ref, 20) WHERE provider = 'import'");
            await File.AppendAllTextAsync(file, "sms,inbound,2026-10-05T10:00:00Z,+33611223399\n");
            (code, output) = await HostProcess.RunAsync(["import", file, .. settings]);
            Assert.True(code == 0, output);
            Assert.Contains("9 rows, 1 recorded, 8 already there, 0 refused", output);
            await using (var db = new Db(provider, connectionString, folder))
            await using (var connection = await db.OpenAsync())
                Assert.Equal(9, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE provider = 'import'"));
        });
    }
}
