using ContactHub.Data;
using ContactHub.Reports;
using ContactHub.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ContactHub.Tests.Reports;

/// <summary>
/// Work that blocks its thread — SQLite's driver answers async calls synchronously, MiniExcel writes synchronously — runs on
/// threads of its own, not on the thread pool's few (as many as cores, one more every half second when starved). On the
/// pool, two exports to slow clients took its threads and every other request waited (screen-pop p99 9 ms → 1.8 s), and a
/// report's eight queries started one after another over seconds.
/// </summary>
public sealed class BlockingWorkTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly InteractionExport.Filter Everything = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), null, TimeZoneInfo.Utc);

    private async Task SeedAsync()
    {
        for (var i = 0; i < 3; i++)
            await app.Client().PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-i), customer = new { phone = Customers.Phone() } }, 201);
    }

    [Fact]
    public async Task The_xlsx_export_writes_to_the_response_asynchronously_only()
    {
        await SeedAsync();
        var client = new Client();
        // As a request runs: on a thread of the pool.
        await Task.Run(() => app.Get<InteractionExport>().WriteXlsxAsync(Everything, client, CancellationToken.None));

        Assert.Equal(0, client.SynchronousWrites); // a synchronous write blocks its thread for as long as the client takes to read
        Assert.True(client.Bytes > 0);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(client.Content.ToArray()));
        Assert.NotNull(zip.GetEntry("xl/worksheets/sheet1.xml"));
    }

    [Fact]
    public async Task An_xlsx_export_whose_client_stops_reading_and_leaves_ends()
    {
        await SeedAsync();
        using var leave = new CancellationTokenSource();
        var client = new Client { Stalled = true };
        var export = Task.Run(() => app.Get<InteractionExport>().WriteXlsxAsync(Everything, client, leave.Token));
        await client.FirstWrite.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a hang guard, not a timing
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_reports_queries_run_on_threads_of_their_own()
    {
        var probe = new Probe();
        var queries = new ReportQueries(app.Get<Db>(), [probe], app.Get<IOptions<ReportsOptions>>(), TimeProvider.System);
        var columns = new[] { new ReportColumn("Thread", "thread") };
        var report = new ReportDefinition
        {
            Name = "probe", Title = "Probe",
            Sheets = Enumerable.Range(1, 6).Select(n => new ReportSheet($"Sheet {n}", "", columns, Source: Probe.Name)).ToList(),
        };

        // As the scheduler and a request run it: from a thread of the pool.
        var data = await Task.Run(() => queries.CollectAsync(report, new ReportPeriod(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 8), TimeZoneInfo.Utc)));

        Assert.Equal(6, data.Sheets.Count);
        Assert.All(data.Sheets, sheet => Assert.Equal("own thread", Assert.Single(sheet.Rows)[0]));
    }

    /// <summary>A source that says where it ran, synchronously as SQLite's reads do.</summary>
    private sealed class Probe : IReportSource
    {
        public const string Name = "probe";
        string IReportSource.Name => Name;

        public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(ReportPeriod period, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<IReadOnlyDictionary<string, object?>>>(
                [new Dictionary<string, object?> { ["thread"] = Thread.CurrentThread.IsThreadPoolThread ? "thread pool" : "own thread" }]);
    }

    /// <summary>The response as the export sees it: counts synchronous writes; when stalled, an asynchronous write waits until the client leaves.</summary>
    private sealed class Client : WriteOnlyStream
    {
        public bool Stalled { get; init; }
        public int SynchronousWrites;
        public long Bytes;
        public MemoryStream Content { get; } = new();
        public TaskCompletionSource FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Interlocked.Increment(ref SynchronousWrites);
            Content.Write(buffer);
            Bytes += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            FirstWrite.TrySetResult();
            if (Stalled) await Task.Delay(Timeout.Infinite, ct);
            Content.Write(buffer.Span);
            Bytes += buffer.Length;
        }
    }
}
