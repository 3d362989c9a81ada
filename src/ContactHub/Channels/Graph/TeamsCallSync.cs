using System.Globalization;
using System.Text.Json;
using ContactHub.Channels;
using ContactHub.Channels.Email;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Communications.CallRecords.MicrosoftGraphCallRecordsGetPstnCallsWithFromDateTimeWithToDateTime;

namespace ContactHub.Channels.Graph;

/// <summary>
/// Teams Phone PSTN calls by getPstnCalls(fromDateTime, toDateTime): one call interaction per call id
/// under the external party's contact. Windows follow each other from the end kept in sync_state, so
/// nothing is read twice or skipped; a window ends Graph:PstnLag before now, as records arrive late.
/// </summary>
public sealed class TeamsCallSync(GraphClient graph, SyncStateStore state, InteractionRecorder recorder, IdentifierNormalizer normalizer,
    IOptions<GraphOptions> options, TimeProvider clock, ILogger<TeamsCallSync> logger)
{
    public const string StateKey = "graph:pstn";

    public async Task<IngestResult> SyncAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var from = DateTimeOffset.TryParse(await state.GetAsync(StateKey, ct), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var saved) ? saved : now - o.PstnInitialLookback;
        var to = now - o.PstnLag;
        if (to <= from) return new(0, 0, 0);

        var request = graph.Service.Communications.CallRecords.MicrosoftGraphCallRecordsGetPstnCallsWithFromDateTimeWithToDateTime(from, to);
        var page = await request.GetAsGetPstnCallsWithFromDateTimeWithToDateTimeGetResponseAsync(cancellationToken: ct);
        var (recorded, repeated, skipped) = (0, 0, 0);
        while (page is not null)
        {
            foreach (var row in page.Value ?? [])
            {
                var inbound = row.CallType?.Contains("_in", StringComparison.OrdinalIgnoreCase) == true;
                var number = inbound ? row.CallerNumber : row.CalleeNumber;
                var duration = row.Duration ?? (row.EndDateTime - row.StartDateTime is { } span ? (int)span.TotalSeconds : null);
                var call = new InteractionRequest(Channel.Call, inbound ? "inbound" : "outbound", OccurredAt: row.StartDateTime, EndedAt: row.EndDateTime,
                    DurationSeconds: duration, Customer: new CustomerRef(Phone: number), Agent: row.UserPrincipalName, Status: "completed",
                    Provider: "teams", ProviderRef: row.Id ?? row.CallId,
                    Metadata: JsonSerializer.SerializeToElement(new { callId = row.CallId, callType = row.CallType, userPrincipalName = row.UserPrincipalName }));
                var (interaction, errors) = InteractionValidation.Validate(call, normalizer, clock.GetUtcNow());
                if (interaction is null)
                {
                    skipped++;
                    EmailLog.Skipped(logger, "Teams PSTN", row.Id ?? "?", string.Join(", ", errors.Keys));
                    continue;
                }
                if ((await recorder.RecordAsync(interaction, ct)).Repeated) repeated++; else recorded++;
            }
            page = page.OdataNextLink is { } next
                ? await request.WithUrl(next).GetAsGetPstnCallsWithFromDateTimeWithToDateTimeGetResponseAsync(cancellationToken: ct)
                : null;
        }
        // Only a fully read window moves the cursor: a failure mid-way reads the same window again (idempotently).
        await state.SetAsync(StateKey, to.ToString("O", CultureInfo.InvariantCulture), ct);
        if (recorded + skipped > 0) EmailLog.Ingested(logger, "Teams PSTN", recorded, repeated, skipped);
        return new(recorded, repeated, skipped);
    }
}
