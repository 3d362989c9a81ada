using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContactHub.Data;
using ContactHub.Hosting;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

/// <summary>A report definition that cannot be used; the message names the file and what is wrong.</summary>
public sealed class ReportDefinitionException(string message, Exception? inner = null) : ConfigurationException(message, inner);

/// <summary>
/// The reports of <c>Reports:CataloguePath</c>. Adding a report is adding a file there. Definitions are
/// checked when read (shape) and again at start-up against the database (every query runs, every column exists).
/// </summary>
public sealed partial class ReportCatalogue
{
    private static readonly string[] Reserved = ["Summary", "About"];
    private readonly Dictionary<string, ReportDefinition> _reports;

    public ReportCatalogue(IOptions<ReportsOptions> options, IHostEnvironment environment)
        : this(Locate(options.Value.CataloguePath, environment.ContentRootPath)) { }

    public ReportCatalogue(string folder)
    {
        Folder = folder;
        _reports = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(Read).ToDictionary(r => r.Name, StringComparer.Ordinal)
            : throw new ReportDefinitionException($"Reports:CataloguePath: the folder {folder} does not exist.");
    }

    public string Folder { get; }

    public IReadOnlyCollection<ReportDefinition> All => _reports.Values;

    public ReportDefinition? Find(string? name) => name is not null && _reports.TryGetValue(name, out var r) ? r : null;

    /// <summary>Runs every query of every report over one empty day and checks the columns it returns.</summary>
    public async Task ValidateAsync(Db db, CancellationToken ct = default)
    {
        var period = new ReportPeriod(new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 1), TimeZoneInfo.Utc);
        await using var connection = await db.OpenAsync(ct);
        foreach (var report in _reports.Values)
        {
            if (report.Headlines is { } h) await CheckAsync(report, "headlines", h.Sql, h.Figures);
            foreach (var sheet in report.Sheets.Where(s => s.Source is null)) await CheckAsync(report, $"sheet \"{sheet.Name}\"", sheet.Sql, sheet.Columns);
        }

        async Task CheckAsync(ReportDefinition report, string where, string sql, IReadOnlyList<ReportColumn> columns)
        {
            string[] returned;
            try
            {
                var (text, parameters) = ReportQuery.Render(db.Dialect, sql, period);
                await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(text, parameters, cancellationToken: ct));
                returned = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or ArgumentException)
            {
                throw new ReportDefinitionException($"{report.File}: {where}: the query fails on {db.Provider}: {ex.Message}", ex);
            }
            foreach (var column in columns)
                if (!returned.Contains(column.Field, StringComparer.OrdinalIgnoreCase))
                    throw new ReportDefinitionException($"{report.File}: {where}: column \"{column.Field}\" is not returned by its query (it returns {string.Join(", ", returned)}).");
        }
    }

    private static ReportDefinition Read(string path)
    {
        var file = Path.GetFileName(path);
        ReportDefinition? report;
        try
        {
            report = JsonSerializer.Deserialize<ReportDefinition>(Hosting.Utf8Text.ReadAllText(path), ReportDefinition.Json);
        }
        catch (JsonException ex)
        {
            throw new ReportDefinitionException($"reports/{file}: not a valid report definition: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new ReportDefinitionException($"reports/{file}: {ex.Message}", ex);
        }
        if (report is null) throw new ReportDefinitionException($"reports/{file}: empty.");
        report = WithQueries(report with { File = $"reports/{file}" }, Path.ChangeExtension(path, ".sql"));
        var error = Check(report, Path.GetFileNameWithoutExtension(path));
        return error is null ? report : throw new ReportDefinitionException($"reports/{file}: {error}");
    }

    /// <summary>
    /// The queries of <c>name.sql</c> beside <c>name.json</c>: one section per query, headed <c>-- name: headlines</c> or
    /// <c>-- name: Sheet name</c>. A query is given in one place only, and every section must belong to the report.
    /// </summary>
    private static ReportDefinition WithQueries(ReportDefinition report, string sqlPath)
    {
        if (!File.Exists(sqlPath)) return report;
        var sqlFile = "reports/" + Path.GetFileName(sqlPath);
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var text = new System.Text.StringBuilder();
        string source;
        try { source = Hosting.Utf8Text.ReadAllText(sqlPath); }
        catch (InvalidDataException ex) { throw new ReportDefinitionException($"{sqlFile}: {ex.Message}", ex); }
        foreach (var line in source.ReplaceLineEndings("\n").Split('\n').Append("-- name: "))
        {
            if (SectionHeader().Match(line) is not { Success: true } header)
            {
                if (current is not null) text.AppendLine(line);
                continue;
            }
            if (current is not null && !sections.TryAdd(current, text.ToString().Trim().TrimEnd(';').TrimEnd()))
                throw new ReportDefinitionException($"{sqlFile}: the section \"{current}\" appears twice.");
            current = header.Groups[1].Value.Trim();
            text.Clear();
        }
        string? Take(string section, string? inline)
        {
            if (!sections.Remove(section, out var sql)) return inline;
            return inline is null ? sql : throw new ReportDefinitionException($"{report.File}: {section}: the query is given both here and in {sqlFile}; keep one.");
        }
        report = report with
        {
            Headlines = report.Headlines is { } h ? h with { Sql = Take("headlines", h.Sql)! } : null,
            Sheets = report.Sheets.Select(sheet => sheet.Source is null ? sheet with { Sql = Take(sheet.Name, sheet.Sql)! } : sheet).ToList(),
        };
        return sections.Count == 0 ? report
            : throw new ReportDefinitionException($"{sqlFile}: the section \"{sections.Keys.First()}\" names neither \"headlines\" nor a sheet of {report.File}.");
    }

    private static string? Check(ReportDefinition r, string fileName)
    {
        if (r.Name != fileName) return $"\"name\" must be the file's name ({fileName}).";
        if (!Slug().IsMatch(r.Name)) return "\"name\" is lower-case letters, digits and dashes.";
        if (string.IsNullOrWhiteSpace(r.Title)) return "\"title\" is required.";
        if (r.Sheets.Count == 0) return "at least one sheet is required.";
        var names = new HashSet<string>(Reserved, StringComparer.OrdinalIgnoreCase);
        foreach (var sheet in r.Sheets)
        {
            if (string.IsNullOrWhiteSpace(sheet.Name) || sheet.Name.Length > 31 || sheet.Name.IndexOfAny(['[', ']', ':', '*', '?', '/', '\\']) >= 0)
                return $"sheet \"{sheet.Name}\": a name of 1 to 31 characters without [ ] : * ? / \\.";
            if (!names.Add(sheet.Name)) return $"sheet \"{sheet.Name}\": the name is used twice (or is Summary or About).";
            if (sheet.Source is { } source)
            {
                if (source is not (ServiceLevels.Name or DemandByHour.Name))
                    return $"sheet \"{sheet.Name}\": \"source\" is {ServiceLevels.Name} or {DemandByHour.Name} (or leave it out and give SQL).";
                if (!string.IsNullOrEmpty(sheet.Sql)) return $"sheet \"{sheet.Name}\": a computed sheet has no SQL.";
            }
            else if (QueryError(sheet.Sql) is { } e) return $"sheet \"{sheet.Name}\": {e}";
            if (ColumnsError(sheet.Columns) is { } c) return $"sheet \"{sheet.Name}\": {c}";
        }
        if (r.Headlines is { } h)
        {
            if (QueryError(h.Sql) is { } e) return $"headlines: {e}";
            if (ColumnsError(h.Figures) is { } c) return $"headlines: {c}";
        }
        foreach (var chart in r.AllCharts)
        {
            var sheet = r.Sheets.FirstOrDefault(s => s.Name == chart.Sheet);
            if (sheet is null) return $"chart \"{chart.Title}\": sheet \"{chart.Sheet}\" is not one of this report's sheets.";
            if (!sheet.Columns.Any(c => c.Field == chart.X) || !sheet.Columns.Any(c => c.Field == chart.Y))
                return $"chart \"{chart.Title}\": \"x\" and \"y\" must be fields of sheet \"{chart.Sheet}\".";
        }
        return null;
    }

    private static string? QueryError(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql)) return "\"sql\" is required.";
        var head = WithoutLeadingComments(sql);
        if (!head.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !head.StartsWith("WITH", StringComparison.OrdinalIgnoreCase))
            return "\"sql\" must be one SELECT (or WITH … SELECT) statement.";
        if (sql.TrimEnd().TrimEnd(';').Contains(';')) return "\"sql\" must be one statement.";
        return null;
    }

    /// <summary>The query after the comments that may open it (a line that says what the sheet counts, as SQL files have).</summary>
    private static string WithoutLeadingComments(string sql)
    {
        var head = sql.TrimStart();
        while (true)
        {
            if (head.StartsWith("--", StringComparison.Ordinal))
                head = head.IndexOf('\n') is var end and >= 0 ? head[(end + 1)..].TrimStart() : "";
            else if (head.StartsWith("/*", StringComparison.Ordinal))
                head = head.IndexOf("*/", 2, StringComparison.Ordinal) is var end and >= 0 ? head[(end + 2)..].TrimStart() : "";
            else
                return head;
        }
    }

    private static string? ColumnsError(IReadOnlyList<ReportColumn>? columns)
    {
        if (columns is null || columns.Count == 0) return "at least one column is required.";
        foreach (var c in columns)
        {
            if (string.IsNullOrWhiteSpace(c.Field) || string.IsNullOrWhiteSpace(c.Header)) return "every column needs a \"header\" and a \"field\".";
            if (c.Width is < 2 or > 255) return $"column \"{c.Field}\": \"width\" is between 2 and 255 characters.";
        }
        return columns.GroupBy(c => c.Field, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"column \"{twice.Key}\" appears twice." : null;
    }

    /// <summary>The catalogue folder: relative to the content root, else beside the service's binaries.</summary>
    private static string Locate(string path, string contentRoot)
    {
        var fromRoot = Path.GetFullPath(path, contentRoot);
        if (Directory.Exists(fromRoot)) return fromRoot;
        var beside = Path.GetFullPath(path, AppContext.BaseDirectory);
        return Directory.Exists(beside) ? beside : fromRoot;
    }

    [GeneratedRegex(@"^--\s*name:\s*(.*)$")]
    private static partial Regex SectionHeader();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex Slug();
}
