using ContactHub.Data;
using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.Tests.Reports;

/// <summary>The shipped catalogue, its T-SQL, and what a bad definition does to start-up.</summary>
public sealed class ReportCatalogueTests
{
    private static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "reports");

    public static TheoryData<string> Queries()
    {
        var data = new TheoryData<string>();
        foreach (var report in new ReportCatalogue(ShippedFolder).All)
        {
            if (report.Headlines is not null) data.Add($"{report.Name}|headlines");
            foreach (var sheet in report.Sheets.Where(s => s.Source is null)) data.Add($"{report.Name}|{sheet.Name}"); // computed sheets have no SQL
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Every_report_query_rendered_for_sql_server_parses(string which)
    {
        var (name, part) = (which.Split('|')[0], which.Split('|')[1]);
        var report = new ReportCatalogue(ShippedFolder).Find(name)!;
        var sql = part == "headlines" ? report.Headlines!.Sql : report.Sheets.Single(s => s.Name == part).Sql;
        var period = new ReportPeriod(new DateOnly(2026, 10, 24), new DateOnly(2026, 10, 26), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var (rendered, _) = ReportQuery.Render(new SqlServerDialect(), sql, period);
        Assert.DoesNotMatch(@"\{[A-Z_]+(:[^}]+)?\}", rendered);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(rendered), out var errors);
        Assert.True(errors.Count == 0, $"{which}: " + string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")) + "\n" + rendered);
    }

    [Fact]
    public void The_catalogue_ships_the_four_reports_each_with_a_summary_and_a_chart()
    {
        var catalogue = new ReportCatalogue(ShippedFolder);
        Assert.Equal(["activity-summary", "contacts", "conversations", "follow-ups"], catalogue.All.Select(r => r.Name).Order());
        Assert.All(catalogue.All, r => Assert.NotNull(r.Headlines));
        Assert.All(catalogue.All, r => Assert.NotNull(r.Chart));
        Assert.All(catalogue.All, r => Assert.NotEmpty(r.Definitions));
    }

    [Theory]
    [InlineData("""{"name": "broken", "title": "T", "sheets": [{"name": "S", "sql": "SELECT 1 AS a", "columns": [{"header": "A", "field": "a", "format": "money"}]}]}""", "reports/broken.json")]
    [InlineData("""{"name": "other", "title": "T", "sheets": []}""", "\"name\" must be the file's name")]
    [InlineData("""{"name": "broken", "title": "T", "sheets": [{"name": "S", "sql": "DELETE FROM contacts", "columns": [{"header": "A", "field": "a"}]}]}""", "one SELECT")]
    [InlineData("""{"name": "broken", "title": "T", "sheets": [{"name": "S", "sql": "SELECT 1 AS a", "columns": [{"header": "A", "field": "a"}]}], "chart": {"title": "c", "sheet": "Nope", "x": "a", "y": "a"}}""", "chart \"c\": sheet \"Nope\"")]
    public void A_malformed_definition_is_refused_naming_its_file(string json, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-catalogue-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "broken.json"), json);
            var error = Assert.Throws<ReportDefinitionException>(() => new ReportCatalogue(folder));
            Assert.Contains("reports/broken.json", error.Message);
            Assert.Contains(expected, error.Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData("-- what S counts\nSELECT 1 AS a", null)]
    [InlineData("/* what S counts,\n   on two lines */ -- and a note\n  WITH x AS (SELECT 1 AS a) SELECT a FROM x", null)]
    [InlineData("-- a comment does not make this a query\nDELETE FROM contacts", "one SELECT")]
    [InlineData("/* never closed SELECT 1 AS a", "one SELECT")]
    public void A_query_may_open_with_comments_and_must_still_be_one_select(string sql, string? error)
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-catalogue-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "noted.json"), """{"name": "noted", "title": "T", "sheets": [{"name": "S", "columns": [{"header": "A", "field": "a"}]}]}""");
            File.WriteAllText(Path.Combine(folder, "noted.sql"), "-- name: S\n" + sql + "\n");
            if (error is null)
                Assert.Equal(sql, new ReportCatalogue(folder).Find("noted")!.Sheets.Single().Sql);
            else
                Assert.Contains(error, Assert.Throws<ReportDefinitionException>(() => new ReportCatalogue(folder)).Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData("-- name: S\nSELECT 1 AS a;\n", """{"name": "split", "title": "T", "sheets": [{"name": "S", "columns": [{"header": "A", "field": "a"}]}]}""", null)]
    [InlineData("-- name: T\nSELECT 1 AS a;\n", """{"name": "split", "title": "T", "sheets": [{"name": "S", "columns": [{"header": "A", "field": "a"}]}]}""", "the section \"T\" names neither")]
    [InlineData("-- name: S\nSELECT 1 AS a;\n", """{"name": "split", "title": "T", "sheets": [{"name": "S", "sql": "SELECT 2 AS a", "columns": [{"header": "A", "field": "a"}]}]}""", "given both here and in reports/split.sql")]
    [InlineData("-- name: S\nSELECT 1 AS a;\n-- name: S\nSELECT 2 AS a;\n", """{"name": "split", "title": "T", "sheets": [{"name": "S", "columns": [{"header": "A", "field": "a"}]}]}""", "appears twice")]
    public void A_reports_queries_come_from_the_sql_file_beside_it_section_by_section(string sql, string json, string? error)
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-catalogue-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "split.json"), json);
            File.WriteAllText(Path.Combine(folder, "split.sql"), sql);
            if (error is null)
                Assert.Equal("SELECT 1 AS a", new ReportCatalogue(folder).Find("split")!.Sheets.Single().Sql);
            else
                Assert.Contains(error, Assert.Throws<ReportDefinitionException>(() => new ReportCatalogue(folder)).Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public async Task The_report_definition_in_the_readme_loads_and_its_queries_run()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ContactHub.sln"))) root = root.Parent!;
        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md"));
        var start = readme.IndexOf("```jsonc\n", StringComparison.Ordinal) + "```jsonc\n".Length;
        var json = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var folder = Directory.CreateTempSubdirectory("contacthub-readme-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "calls-by-agent.json"), json);
            var catalogue = new ReportCatalogue(folder);
            await using var db = new Db(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "readme.db")}", folder);
            await new Migrator(db, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).MigrateAsync();
            await catalogue.ValidateAsync(db);
            Assert.Equal("Calls by agent", catalogue.Find("calls-by-agent")!.Title);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task A_definition_with_an_unknown_column_stops_start_up_with_one_line_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-catalogue-").FullName;
        var database = Path.Combine(folder, "contacthub.db");
        try
        {
            File.WriteAllText(Path.Combine(folder, "agents.json"), """
                {"name": "agents", "title": "Agents", "sheets": [{"name": "Agents", "sql": "SELECT agent AS agent_name FROM interactions WHERE occurred_at >= @from AND occurred_at < @to",
                  "columns": [{"header": "Agent", "field": "agent"}]}]}
                """);
            var (exitCode, output) = await HostProcess.RunAsync($"--Reports:CataloguePath={folder}", $"--Database:ConnectionString=Data Source={database}",
                $"--Urls=http://127.0.0.1:{HostProcess.FreePort()}");
            Assert.Equal(2, exitCode);
            Assert.Contains("reports/agents.json: sheet \"Agents\": column \"agent\" is not returned by its query (it returns agent_name)", output);

            File.WriteAllText(Path.Combine(folder, "agents.json"), """
                {"name": "agents", "title": "Agents", "sheets": [{"name": "Agents", "sql": "SELECT agent FROM no_such_table", "columns": [{"header": "Agent", "field": "agent"}]}]}
                """);
            (exitCode, output) = await HostProcess.RunAsync($"--Reports:CataloguePath={folder}", $"--Database:ConnectionString=Data Source={database}",
                $"--Urls=http://127.0.0.1:{HostProcess.FreePort()}");
            Assert.Equal(2, exitCode);
            Assert.Contains("reports/agents.json: sheet \"Agents\": the query fails on Sqlite", output);
            Assert.DoesNotContain("   at ", output); // no stack trace
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public async Task The_report_command_writes_the_workbook_and_shows_its_progress()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-report-cli-").FullName;
        try
        {
            var output = Path.Combine(folder, "october.xlsx");
            var (exitCode, printed) = await HostProcess.RunAsync("report", "run", "conversations", "--from", "2026-10-01", "--to", "2026-10-31",
                "--time-zone", "Europe/Paris", "--out", output, $"--Database:ConnectionString=Data Source={Path.Combine(folder, "contacthub.db")}");
            Assert.True(exitCode == 0, printed);
            Assert.Contains("[0/5] querying 4 queries side by side", printed);
            Assert.Contains("[1/5] By channels: ", printed);
            Assert.Contains("wrote " + output, printed);
            using var workbook = Workbooks.Open(File.ReadAllBytes(output));
            Assert.Equal(["Summary", "By channels", "Outcomes", "Conversations", "About"], workbook.Worksheets.Select(w => w.Name));

            (exitCode, printed) = await HostProcess.RunAsync("report", "run", "conversations", "--from", "2026-10-31", "--to", "2026-10-01", "--out", output,
                $"--Database:ConnectionString=Data Source={Path.Combine(folder, "contacthub.db")}");
            Assert.Equal(2, exitCode);
            Assert.Contains("--to is the last day", printed);
        }
        finally { Directory.Delete(folder, true); }
    }
}
