using System.ComponentModel.DataAnnotations;
using ContactHub.BusinessHours;
using ContactHub.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace ContactHub.Reports;

public sealed class ServiceLevelOptions : IValidatableObject
{
    public const string Section = "ServiceLevels";

    /// <summary>The business-hours calendar (its name) service levels count in; the default calendar when empty, wall-clock time when there is none.</summary>
    public string? Calendar { get; set; }

    /// <summary>An inbound call answered within this (from its first ring) is answered in time.</summary>
    public TimeSpan AnswerTarget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A missed call returned (any outbound contact, campaigns aside) within this much business time is returned in time.</summary>
    public TimeSpan CallbackTarget { get; set; } = TimeSpan.FromHours(4);

    /// <summary>First response per channel, in business time.</summary>
    public Dictionary<string, TimeSpan> FirstResponse { get; set; } = new()
    {
        ["chat"] = TimeSpan.FromMinutes(1), ["sms"] = TimeSpan.FromHours(1), ["whatsapp"] = TimeSpan.FromHours(1), ["email"] = TimeSpan.FromHours(4),
    };

    /// <summary>The share that must be in time for a measure to meet its target (0.8: 80% of calls answered in 20 s).</summary>
    public double ShareTarget { get; set; } = 0.8;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (ShareTarget is <= 0 or > 1) yield return new($"{Section}:ShareTarget must be above 0 and at most 1 (0.8 is 80%).");
        if (AnswerTarget <= TimeSpan.Zero || CallbackTarget <= TimeSpan.Zero) yield return new($"{Section}:AnswerTarget and {Section}:CallbackTarget must be positive.");
        foreach (var (channel, target) in FirstResponse)
        {
            if (channel is not ("chat" or "sms" or "whatsapp" or "email")) yield return new($"{Section}:FirstResponse:{channel}: one of chat, sms, whatsapp, email.");
            if (target <= TimeSpan.Zero) yield return new($"{Section}:FirstResponse:{channel} must be positive.");
        }
    }
}

/// <summary>One service level over a period: how many, how many in time, the share, the target, and whether it was met.</summary>
public sealed record ServiceLevel(string Measure, string Channel, long Count, long WithinTarget, double? Share, TimeSpan Target, double ShareTarget,
    double? AverageSeconds, double? MedianSeconds, long Unanswered, bool? Met);

/// <summary>
/// Service levels in business time: speed of answer of inbound calls (wall clock, from the first ring to the answer), missed-call
/// callback time and first response per channel (business time of the calendar: a call missed on Friday 17:55 and returned on
/// Monday 09:05 waited 10 minutes with 09:00–18:00 opening hours).
/// </summary>
public sealed class ServiceLevels(Db db, BusinessCalendarStore calendars, IOptions<ServiceLevelOptions> options) : IReportSource
{
    public const string Name = "service-levels";

    string IReportSource.Name => Name;

    /// <summary>What one measure found for one channel: how many starts, and the wait of each that got its answer.</summary>
    private sealed class Waits
    {
        public long Count { get; set; }
        public List<TimeSpan> Measured { get; } = [];
    }

    // The answer is the call's move to in-progress (Twilio) or answered, as the event log recorded it. Only a call whose ring was
    // recorded has a wait to measure: one still queued or ringing, or one that moved on from there. A call recorded once it was
    // under way or over (a CRM's call log, an import, "completed" with its duration) was counted as never answered: a centre
    // logging its calls after the fact had a speed of answer of 0%.
    private const string AnswersSql = """
        SELECT i.channel, i.occurred_at AS start_at, (SELECT MIN(e.occurred_at) FROM events e WHERE e.interaction_id = i.id AND e.type = 'interaction.status-changed'
            AND (e.data LIKE @inProgress OR e.data LIKE @answered)) AS end_at
        FROM interactions i
        WHERE i.channel = 'call' AND i.direction = 'inbound' AND i.occurred_at >= @from AND i.occurred_at < @to AND i.status NOT IN ('missed', 'voicemail')
          AND (i.status IN ('queued', 'initiated', 'ringing')
               OR EXISTS (SELECT 1 FROM events r WHERE r.interaction_id = i.id AND r.type = 'interaction.status-changed'
                   AND (r.data LIKE @fromQueued OR r.data LIKE @fromInitiated OR r.data LIKE @fromRinging)))
        """;

    private const string CallbacksSql = """
        SELECT i.channel, i.occurred_at AS start_at, (SELECT MIN(o.occurred_at) FROM interactions o WHERE o.contact_id = i.contact_id AND o.direction = 'outbound'
            AND o.campaign_id IS NULL AND o.occurred_at > i.occurred_at) AS end_at
        FROM interactions i
        WHERE i.channel = 'call' AND i.direction = 'inbound' AND i.status IN ('missed', 'voicemail') AND i.occurred_at >= @from AND i.occurred_at < @to
        """;

    // The first reply as a join rather than a look-up per start: PostgreSQL hashes the period's replies once instead of probing
    // the conversation index 400k times for a month of 1M interactions (2.4 → 1.1 s; SQLite still probes, 1.0 → 0.9 s). A reply
    // is at or after its start, so none before @from can count. Nobody waits for an answer to an automatic reply (out of office)
    // or to a survey's score: a chat surveyed by text had its "4" counted as a customer waiting, unanswered for ever. A score is
    // filed when it arrives, so one that occurred in the period was answered in it or after.
    private const string FirstResponsesSql = """
        SELECT f.channel, f.first_in AS start_at, MIN(o.occurred_at) AS end_at
        FROM (SELECT conversation_id, channel, MIN(occurred_at) AS first_in FROM interactions
              WHERE direction = 'inbound' AND channel IN ('chat', 'sms', 'whatsapp', 'email') AND occurred_at >= @from AND occurred_at < @to
                AND (status IS NULL OR status <> 'auto-replied')
                AND id NOT IN (SELECT answer_interaction_id FROM csat_surveys WHERE answer_interaction_id IS NOT NULL AND answered_at >= @from)
              GROUP BY conversation_id, channel) f
        LEFT JOIN interactions o ON o.conversation_id = f.conversation_id AND o.direction = 'outbound' AND o.campaign_id IS NULL
            AND o.occurred_at >= f.first_in AND o.occurred_at >= @from
        GROUP BY f.conversation_id, f.channel, f.first_in
        """;

    /// <summary>The calendar service levels count in: ServiceLevels:Calendar, else the default; null when there is none (wall-clock time).</summary>
    public async Task<BusinessCalendar?> CalendarAsync(CancellationToken ct)
    {
        var name = options.Value.Calendar;
        if (string.IsNullOrWhiteSpace(name)) return await calendars.DefaultAsync(ct);
        return (await calendars.ListAsync(ct)).FirstOrDefault(c => c.Name == name) ?? await calendars.DefaultAsync(ct);
    }

    public async Task<IReadOnlyList<ServiceLevel>> ComputeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        (from, to) = (from.ToUniversalTime(), to.ToUniversalTime()); // instants are stored in UTC; PostgreSQL takes nothing else
        var o = options.Value;
        var rules = (await CalendarAsync(ct))?.Rules();
        TimeSpan Business(DateTimeOffset start, DateTimeOffset end) => rules?.Between(start, end) ?? end - start;
        // Each measure reads on a connection and a thread of its own, side by side, and keeps only the waits: a month of 1M
        // interactions has ~640k starts (400k first responses), which read one after another were the report's longest query.
        Task<Dictionary<string, Waits>> Read(string sql, Func<DateTimeOffset, DateTimeOffset, TimeSpan> wait) => OwnThread.Start(async () =>
        {
            var byChannel = new Dictionary<string, Waits>();
            await using var connection = await db.OpenAsync(ct);
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(db.Sql(sql),
                new
                {
                    from, to, inProgress = "%\"status\":\"in-progress\"%", answered = "%\"status\":\"answered\"%",
                    fromQueued = "%\"previousStatus\":\"queued\"%", fromInitiated = "%\"previousStatus\":\"initiated\"%", fromRinging = "%\"previousStatus\":\"ringing\"%",
                }, commandTimeout: 600, cancellationToken: ct));
            while (await reader.ReadAsync(ct))
            {
                var channel = reader.GetString(0);
                if (!byChannel.TryGetValue(channel, out var waits)) byChannel[channel] = waits = new Waits();
                waits.Count++;
                if (!reader.IsDBNull(2)) waits.Measured.Add(wait(reader.Timestamp(1), reader.Timestamp(2)));
            }
            return byChannel;
        }, ct);
        var answers = Read(AnswersSql, (s, e) => e - s);
        var callbacks = Read(CallbacksSql, Business);
        var responses = Read(FirstResponsesSql, Business);
        await Task.WhenAll(answers, callbacks, responses);

        var levels = new List<ServiceLevel>
        {
            Level("Speed of answer", "call", answers.Result.GetValueOrDefault("call"), o.AnswerTarget),
            Level("Missed-call callback", "call", callbacks.Result.GetValueOrDefault("call"), o.CallbackTarget),
        };
        foreach (var (channel, target) in o.FirstResponse.OrderBy(c => c.Key, StringComparer.Ordinal))
            levels.Add(Level("First response", channel, responses.Result.GetValueOrDefault(channel), target));
        return levels;

        ServiceLevel Level(string measure, string channel, Waits? found, TimeSpan target)
        {
            var count = found?.Count ?? 0;
            var waits = found?.Measured ?? [];
            waits.Sort();
            var within = waits.Count(w => w <= target);
            double? share = count == 0 ? null : (double)within / count; // never answered counts against
            double? median = waits.Count == 0 ? null : waits.Count % 2 == 1 ? waits[waits.Count / 2].TotalSeconds
                : (waits[waits.Count / 2 - 1].TotalSeconds + waits[waits.Count / 2].TotalSeconds) / 2;
            return new ServiceLevel(measure, channel, count, within, share, target, o.ShareTarget, waits.Count == 0 ? null : waits.Average(w => w.TotalSeconds),
                median, count - waits.Count, share is null ? null : share >= o.ShareTarget);
        }
    }

    /// <summary>The report sheet's rows, by field: the measures that had something to measure (an empty period has none).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(ReportPeriod period, CancellationToken ct) =>
        (await ComputeAsync(period.From, period.To, ct)).Where(l => l.Count > 0).Select(l => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["measure"] = l.Measure, ["channel"] = l.Channel, ["count"] = l.Count, ["within_target"] = l.WithinTarget, ["share_within"] = l.Share,
            ["target"] = $"{Describe(l.Target)}{(l.Measure == "Speed of answer" ? "" : " (business time)")}", ["share_target"] = l.ShareTarget,
            ["average_seconds"] = l.AverageSeconds, ["median_seconds"] = l.MedianSeconds, ["unanswered"] = l.Unanswered,
            ["met"] = l.Met switch { true => "yes", false => "no", null => "" },
        }).ToList();

    private static string Describe(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0} s";
}

/// <summary>A report sheet computed in code rather than by one SQL query (service levels need business-time arithmetic).</summary>
public interface IReportSource
{
    string Name { get; }

    Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(ReportPeriod period, CancellationToken ct);
}
