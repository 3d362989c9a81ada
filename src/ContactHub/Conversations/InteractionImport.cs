using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ContactHub.Contacts;
using ContactHub.Data;
using ContactHub.Hosting;
using Dapper;
using Sylvan.Data.Csv;

namespace ContactHub.Conversations;

/// <summary>
/// Imports interactions from CSV with the API's rules: the same validation, recognition, grouping and idempotency.
/// Rows are recorded in transactions of a few thousand by <see cref="BulkRecorder"/>; a bad row is reported with its
/// line number and skipped. A row without provider_ref gets one from its content, so importing the same file twice
/// records it once.
/// </summary>
public sealed class InteractionImport(Db db, BulkRecorder bulk, InteractionRecorder recorder, IdentifierNormalizer normalizer, ContactAttributeStore attributes, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Columns =
        ["channel", "direction", "occurred_at", "ended_at", "duration_seconds", "phone", "email", "whatsapp", "external_id", "name", "agent", "status",
         "subject", "body", "provider", "provider_ref"];

    /// <summary>A column "attr.tier" sets the contact attribute tier (defined in GET /api/v1/contact-attributes); an empty cell leaves it as it is.</summary>
    public const string AttributePrefix = "attr.";

    public sealed record Progress(long Lines, long Recorded, long Repeated, long Failed);

    public sealed record RowError(long Line, string Field, string Message);

    public sealed record Result(long Lines, long Recorded, long Repeated, long Failed, IReadOnlyList<RowError> Errors);

    // Rows per transaction. On SQLite a transaction holds the file's write lock, and live ingest (the service, another process)
    // waits for it: at ~4,000–5,000 rows/s, 250 rows hold it ~50–60 ms (2,000 held it ~0.4 s; measured 2026-11-26, the import's rate unchanged).
    private const int Batch = 250;
    private const int KeptErrors = 1_000;

    /// <summary>Fails (ArgumentException) before importing anything when the header has an unknown column or lacks channel/direction.</summary>
    /// <param name="times">How the file's times are read (<see cref="ImportTimes"/>); ISO 8601, UTC without an offset, if not given.</param>
    public async Task<Result> ImportAsync(TextReader text, IProgress<Progress>? progress = null, ImportTimes? times = null, CancellationToken ct = default)
    {
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
        var schema = await attributes.SchemaAsync(ct);
        var ordinals = Header(csv, schema);
        var attributeColumns = ordinals.Keys.Where(k => k.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        var errors = new List<RowError>();
        var pending = new List<Pending>(Batch);
        long lines = 0, recorded = 0, repeated = 0, failed = 0;
        var now = clock.GetUtcNow();
        var identifiers = normalizer.Memoizing(); // a file names the same customers again and again
        await using var connection = await db.OpenBulkWriterAsync(ct); // one connection: its statements stay prepared from batch to batch

        // While a batch is written, the next one is read and checked: one thread parses, the database (or SQLite on another
        // thread) writes. Errors of the rows a batch refuses as it is written are merged in line order at the end.
        var writeErrors = new List<RowError>();
        var oldForms = new Dictionary<string, bool>(); // per provider: whether the database holds references made before the time came first
        Task<(long Recorded, long Repeated, long Failed)>? writing = null;
        async Task CollectAsync()
        {
            if (writing is null) return;
            var (r, p, f) = await writing;
            writing = null;
            (recorded, repeated, failed) = (recorded + r, repeated + p, failed + f);
            progress?.Report(new Progress(lines, recorded, repeated, failed));
        }

        try
        {
            long nextLine = 2; // the header is line 1
            while (await csv.ReadAsync(ct))
            {
                lines++;
                // Errors name the row's first physical line, as an editor shows it: quoted fields may span lines.
                var line = nextLine;
                nextLine += 1 + LineBreaksIn(csv);
                string? Field(string name) => ordinals.TryGetValue(name, out var i) && i < csv.RowFieldCount && csv.GetString(i) is { Length: > 0 } v ? v : null;
                var (request, parseError, oldRef) = Request(Field, times ?? ImportTimes.Iso);
                if (request is not null && attributeColumns.Count > 0)
                    request = request with { Customer = request.Customer! with { Attributes = Attributes(attributeColumns, Field) } };
                var (interaction, problems) = request is null ? (null, new Dictionary<string, string[]>()) : InteractionValidation.Validate(request, identifiers, now, schema);
                if (interaction is null)
                {
                    failed++;
                    foreach (var (field, message) in parseError is not null ? [parseError.Value] : problems.Select(p => (p.Key, string.Join(" ", p.Value))))
                        if (errors.Count < KeptErrors) errors.Add(new RowError(line, ColumnOf(field), message));
                    continue;
                }
                pending.Add(new Pending(line, interaction, oldRef));
                if (pending.Count == Batch)
                {
                    await CollectAsync();
                    var full = pending;
                    pending = new List<Pending>(Batch);
                    writing = Task.Run(() => FlushAsync(connection, full, writeErrors, oldForms, ct), ct);
                }
            }
            await CollectAsync();
            writing = Task.Run(() => FlushAsync(connection, pending, writeErrors, oldForms, ct), ct);
            await CollectAsync();
        }
        finally
        {
            // Never leave a batch writing on a connection about to close (a parse that threw, a cancellation).
            if (writing is not null) await Task.WhenAny(writing);
        }
        errors = [.. errors.Concat(writeErrors).OrderBy(e => e.Line).Take(KeptErrors)];
        return new Result(lines, recorded, repeated, failed, errors);
    }

    private static long LineBreaksIn(CsvDataReader csv)
    {
        long breaks = 0;
        for (var i = 0; i < csv.RowFieldCount; i++)
        {
            var field = csv.GetFieldSpan(i);
            if (field.IndexOfAny('\n', '\r') < 0) continue;
            breaks += field.Count('\n') + field.Count('\r') - field.Count("\r\n".AsSpan());
        }
        return breaks;
    }

    /// <summary>The attribute cells of a row that have a value, as JSON strings the schema reads (a number or a boolean is accepted as text).</summary>
    private static Dictionary<string, System.Text.Json.JsonElement>? Attributes(IReadOnlyList<string> columns, Func<string, string?> field)
    {
        var values = columns.Where(c => field(c) is not null)
            .ToDictionary(c => c[AttributePrefix.Length..], c => System.Text.Json.JsonSerializer.SerializeToElement(field(c)));
        return values.Count == 0 ? null : values;
    }

    private static Dictionary<string, int> Header(CsvDataReader csv, IReadOnlyDictionary<string, AttributeDefinition> schema)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var name = csv.GetName(i).Trim();
            if (name.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (!schema.ContainsKey(name[AttributePrefix.Length..]))
                    throw new ArgumentException($"Column \"{name}\" (column {i + 1}) names no defined attribute; the attributes are: {(schema.Count == 0 ? "none yet" : string.Join(", ", schema.Keys))}.");
                ordinals[name] = i;
                continue;
            }
            if (!Columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"Unknown column \"{name}\" (column {i + 1}); the columns are: {string.Join(", ", Columns)}.");
            ordinals[name] = i;
        }
        foreach (var required in new[] { "channel", "direction" })
            if (!ordinals.ContainsKey(required)) throw new ArgumentException($"The header has no \"{required}\" column; the columns are: {string.Join(", ", Columns)}.");
        return ordinals;
    }

    private static (InteractionRequest? Request, (string, string)? Error, string? OldRef) Request(Func<string, string?> field, ImportTimes times)
    {
        DateTimeOffset? Time(string name, out bool bad)
        {
            bad = false;
            if (field(name) is not { } text) return null;
            bad = !times.TryRead(text, out var at);
            return bad ? null : at;
        }
        var occurredAt = Time("occurred_at", out var badOccurred);
        if (badOccurred) return (null, ("occurred_at", times.Expected("2026-11-24T09:30:00Z")), null);
        var endedAt = Time("ended_at", out var badEnded);
        if (badEnded) return (null, ("ended_at", times.Expected("2026-11-24T09:35:00Z")), null);
        long? duration = null;
        if (field("duration_seconds") is { } d)
        {
            if (!long.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)) return (null, ("duration_seconds", "Not a whole number of seconds."), null);
            duration = seconds;
        }
        var customer = new CustomerRef(field("phone"), field("email"), field("whatsapp"), field("external_id"), null, field("name"));
        var provider = field("provider");
        var providerRef = field("provider_ref");
        string? oldRef = null;
        if (providerRef is null)
        {
            // Made from the row's content: the same row imported again is recognised as a repeat.
            provider ??= "import";
            (providerRef, oldRef) = ContentRefs(Columns.Select(field), field("occurred_at"));
        }
        return (new InteractionRequest(field("channel"), field("direction"), occurredAt, endedAt, duration, customer, null, field("agent"), field("status"),
            field("subject"), field("body"), provider, providerRef), null, oldRef);
    }

    /// <summary>
    /// The reference made from a row's content: <c>row:</c>, the digits of its time as the file writes it (at most 14: an ISO 8601
    /// time's date, hours, minutes and seconds), <c>:</c>, and 32 hex digits of the content's SHA-256. The time comes first so that
    /// a file sorted by time adds its references to the unique index where the last one went, not at random among every reference
    /// imported before (SQLite, 100,000 rows into 100k / 1M: +6–9%, docs/BENCHMARKS.md). It is the time as written, not as read:
    /// importing the file again with another <c>--time-zone</c> or <c>--date-format</c> makes the same references.
    /// <paramref name="OldRef"/> is what the import made before the time came first (<c>row-</c> and the same 32 digits).
    /// </summary>
    private static (string Ref, string OldRef) ContentRefs(IEnumerable<string?> fields, string? occurredAt)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", fields))))[..32].ToLowerInvariant();
        var digits = new string((occurredAt ?? "").Where(char.IsAsciiDigit).Take(14).ToArray());
        return ($"row:{digits}:{hash}", "row-" + hash);
    }

    private static string ColumnOf(string field) => field switch
    {
        "occurredAt" => "occurred_at",
        "endedAt" => "ended_at",
        "durationSeconds" => "duration_seconds",
        "providerRef" => "provider_ref",
        "customer.externalId" => "external_id",
        "customer" => "phone/email/whatsapp/external_id",
        _ when field.StartsWith("customer.attributes.", StringComparison.Ordinal) => AttributePrefix + field["customer.attributes.".Length..],
        _ when field.StartsWith("customer.", StringComparison.Ordinal) => field["customer.".Length..],
        _ => field,
    };

    /// <summary>A row read and checked, waiting for its batch; <see cref="OldRef"/> is the reference an earlier import would have made from its content.</summary>
    private sealed record Pending(long Line, NewInteraction Interaction, string? OldRef);

    private const string OldFormSql = """
        SELECT CASE WHEN EXISTS (SELECT 1 FROM interactions WHERE provider = @provider AND provider_ref LIKE 'row-%') THEN 1 ELSE 0 END
        """;

    /// <summary>
    /// Takes out of the batch, as already there, the rows an import made before the time came first in a content's reference
    /// recorded under the old form (<see cref="ContentRefs"/>); only where the database holds any such reference for the row's
    /// provider, which one probe tells per provider and import.
    /// </summary>
    private async Task<long> DropOldFormRepeatsAsync(DbConnection connection, List<Pending> pending, Dictionary<string, bool> oldForms, CancellationToken ct)
    {
        foreach (var provider in pending.Where(p => p.OldRef is not null).Select(p => p.Interaction.Provider!).Distinct())
            if (!oldForms.ContainsKey(provider))
                oldForms[provider] = await connection.ExecuteScalarAsync<long>(new CommandDefinition(OldFormSql, new { provider }, cancellationToken: ct)) == 1;
        var probed = pending.Where(p => p.OldRef is not null && oldForms[p.Interaction.Provider!]).ToList();
        if (probed.Count == 0) return 0;
        var found = await db.InTransactionAsync(connection, (c, tx) => db.FirstOfEachAsync(c, tx, BulkRecorder.KnownRefSql,
            probed.ConvertAll(p => new (string, object?)[] { ("provider", p.Interaction.Provider), ("providerRef", p.OldRef) }), ct), ct);
        var repeats = probed.Where((_, n) => found[n] is not null).ToHashSet();
        pending.RemoveAll(repeats.Contains);
        return repeats.Count;
    }

    /// <summary>Records a batch in one transaction; if that fails, row by row, so that one bad row costs only itself.</summary>
    private async Task<(long Recorded, long Repeated, long Failed)> FlushAsync(DbConnection connection, List<Pending> pending, List<RowError> errors,
        Dictionary<string, bool> oldForms, CancellationToken ct)
    {
        if (pending.Count == 0) return (0, 0, 0);
        var before = await DropOldFormRepeatsAsync(connection, pending, oldForms, ct);
        if (pending.Count == 0) return (0, before, 0);
        try
        {
            var counts = await db.InTransactionAsync(connection, (c, tx) => bulk.RecordAsync(c, tx, pending.ConvertAll(p => p.Interaction), ct), ct);
            pending.Clear();
            return (counts.Recorded, before + counts.Repeated, 0);
        }
        catch (DbException)
        {
            long recorded = 0, repeated = before, failed = 0;
            foreach (var (line, interaction, _) in pending)
            {
                try
                {
                    var result = await recorder.RecordAsync(interaction, ct);
                    if (result.Repeated) repeated++; else recorded++;
                }
                catch (DbException ex)
                {
                    failed++;
                    if (errors.Count < KeptErrors) errors.Add(new RowError(line, "row", ex.Message));
                }
            }
            pending.Clear();
            return (recorded, repeated, failed);
        }
    }
}
