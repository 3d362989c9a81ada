using System.IO.Compression;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Reports;

/// <summary>
/// Streamed exports of 200,000 interactions: the managed heap of the process (server and client both) must not grow with
/// the size of the export. The ceiling is a guard far above normal (a buffered export of this size needs several times it), not a timing.
/// </summary>
[Collection(Quiet.Name)]
public sealed class ExportMemoryTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const int Rows = 200_000;
    private const long Ceiling = 150L * 1024 * 1024;

    private async Task SeedAsync()
    {
        var first = await app.Client().PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", occurredAt = "2026-07-01T00:00:00Z", customer = new { phone = Customers.Phone(), name = "=cmd|' /C calc'!A0" } }, 201);
        await using var connection = await app.Get<Db>().OpenAsync();
        await connection.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows - 1})
            INSERT INTO interactions (conversation_id, contact_id, channel, direction, occurred_at, status, agent, subject, created_at, updated_at)
            SELECT @conversation, @contact, 'sms', 'inbound', strftime('%Y-%m-%d %H:%M:%S', '2026-07-01', '+' || i || ' seconds') || '+00:00', 'received', 'maria',
                   'Booking question number ' || i, '2026-07-01 00:00:00+00:00', '2026-07-01 00:00:00+00:00'
            FROM n
            """, new { conversation = first["conversationId"]!.GetValue<long>(), contact = first["contactId"]!.GetValue<long>() });
    }

    [Fact]
    public async Task Exporting_200000_interactions_as_csv_and_xlsx_keeps_managed_memory_bounded()
    {
        await SeedAsync();
        const string range = "from=2026-07-01T00:00:00Z&to=2026-07-04T00:00:00Z";

        var (csvBytes, csvGrowth) = await Measure("/api/v1/exports/interactions.csv?" + range, async stream =>
        {
            using var reader = new StreamReader(stream);
            var lines = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (lines == 1) Assert.StartsWith("1,2026-07-01 00:00:00,", line);
                if (lines == 1) Assert.Contains("'=cmd|", line);
                lines++;
            }
            Assert.Equal(Rows + 1, lines);
        });
        Assert.True(csvGrowth < Ceiling, $"CSV export grew the managed heap by {csvGrowth / 1048576} MB");

        var file = Path.GetTempFileName();
        try
        {
            var (_, xlsxGrowth) = await Measure("/api/v1/exports/interactions.xlsx?" + range, async stream =>
            {
                await using var output = File.Create(file);
                await stream.CopyToAsync(output);
            });
            Assert.True(xlsxGrowth < Ceiling, $"XLSX export grew the managed heap by {xlsxGrowth / 1048576} MB");
            using var zip = ZipFile.OpenRead(file);
            using var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
            var rows = 0;
            var buffer = new char[1 << 16];
            var carry = "";
            int read;
            while ((read = await sheet.ReadAsync(buffer)) > 0)
            {
                var text = carry + new string(buffer, 0, read);
                rows += CountOf(text, "<x:row ");
                carry = text[^Math.Min(6, text.Length)..];
                rows -= CountOf(carry, "<x:row ");
            }
            rows += CountOf(carry, "<x:row ");
            Assert.Equal(Rows + 1, rows);
        }
        finally { File.Delete(file); }
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>Downloads while sampling the managed heap; returns the bytes read by the consumer and the peak growth over the baseline.</summary>
    private async Task<(long, long)> Measure(string url, Func<Stream, Task> consume)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(10);
            }
        });
        using var response = await app.Client().GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        await consume(stream);
        await sampling.CancelAsync();
        await sampler;
        return (0, peak - baseline);
    }
}
