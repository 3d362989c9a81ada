using System.Text;
using ContactHub.Conversations;
using ContactHub.Hosting;
using ContactHub.Reports;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// Files people write for the service — message templates, report definitions and queries — saved by a Windows editor in its
/// ANSI code page: an error naming the file and line, never text with U+FFFD where the accents were.
/// </summary>
public sealed class Utf8TextTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("contacthub-utf8-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private static byte[] Windows1252(string text) => ImportFile.Windows1252.GetBytes(text);

    [Fact]
    public void A_template_that_is_not_utf8_is_a_problem_naming_its_line_and_one_that_is_renders_its_accents()
    {
        var renderer = new TemplateRenderer(Options.Create(new TemplatesOptions { Path = _folder }), new Environment(_folder));
        var model = new Dictionary<string, object?> { ["data"] = new Dictionary<string, object?> { ["reference"] = "ZX81QF" } };

        File.WriteAllBytes(Path.Combine(_folder, "booking.email.liquid"), Windows1252("Subject: Votre réservation\nRéservation {{ data.reference }} confirmée."));
        var (rendered, problem) = renderer.Render("booking", "email", model);
        Assert.Null(rendered);
        Assert.Equal("Template 'booking' for email: line 1 is not UTF-8 text: save the file as UTF-8.", problem?.Message);

        File.WriteAllBytes(Path.Combine(_folder, "booking.email.liquid"), Encoding.UTF8.GetBytes("Subject: Votre réservation\nRéservation {{ data.reference }} confirmée."));
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "booking.email.liquid"), DateTime.UtcNow.AddMinutes(1)); // the renderer keeps a file until it changes
        (rendered, problem) = renderer.Render("booking", "email", model);
        Assert.Null(problem);
        Assert.Equal("Votre réservation", rendered!.Subject);
        Assert.Equal("Réservation ZX81QF confirmée.", rendered.Body);
    }

    [Fact]
    public void A_report_definition_or_query_that_is_not_utf8_is_refused_naming_its_file_and_line()
    {
        const string Json = """{"name": "calls", "title": "Appels reçus", "sheets": [{"name": "Détail", "columns": [{"header": "Durée", "field": "a"}]}]}""";
        File.WriteAllBytes(Path.Combine(_folder, "calls.json"), Windows1252(Json));
        Assert.Equal("reports/calls.json: line 1 is not UTF-8 text: save the file as UTF-8.", Assert.Throws<ReportDefinitionException>(() => new ReportCatalogue(_folder)).Message);

        File.WriteAllBytes(Path.Combine(_folder, "calls.json"), Encoding.UTF8.GetBytes(Json));
        File.WriteAllBytes(Path.Combine(_folder, "calls.sql"), Windows1252("-- name: Détail\n-- les appels reçus\nSELECT 1 AS a\n"));
        Assert.Equal("reports/calls.sql: line 1 is not UTF-8 text: save the file as UTF-8.", Assert.Throws<ReportDefinitionException>(() => new ReportCatalogue(_folder)).Message);

        File.WriteAllBytes(Path.Combine(_folder, "calls.sql"), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("-- name: Détail\n-- les appels reçus\nSELECT 1 AS a\n")]);
        var report = new ReportCatalogue(_folder).Find("calls")!;
        Assert.Equal("Appels reçus", report.Title);
        Assert.Equal("-- les appels reçus\nSELECT 1 AS a", report.Sheets.Single().Sql);
    }

    [Fact]
    public void A_scan_finds_the_first_byte_that_is_not_utf8_across_blocks_and_whether_utf8_beyond_ascii_came_before()
    {
        // A three-byte character split across the scan's 64 KiB blocks is UTF-8, not an error.
        var text = new string('a', (1 << 16) - 1) + "€\n" + "é";
        using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(text)))
            Assert.Equal(new Utf8Text.Scanned(null, true), Utf8Text.Scan(stream));
        using (var stream = new MemoryStream([.. Encoding.UTF8.GetBytes("plain\nascii\n"), .. Windows1252("reçu\n"), .. Encoding.UTF8.GetBytes("reçu")]))
            Assert.Equal(new Utf8Text.Scanned(3, false), Utf8Text.Scan(stream));
        using (var stream = new MemoryStream([.. Encoding.UTF8.GetBytes("reçu\n"), .. Windows1252("reçu")]))
            Assert.Equal(new Utf8Text.Scanned(2, true), Utf8Text.Scan(stream));
        using (var stream = new MemoryStream([.. Encoding.UTF8.GetBytes("ends in the middle of "), 0xE2, 0x82]))
            Assert.Equal(new Utf8Text.Scanned(1, false), Utf8Text.Scan(stream));
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "ContactHub";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
