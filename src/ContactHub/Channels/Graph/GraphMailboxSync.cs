using ContactHub.Channels.Email;
using ContactHub.Data;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta;

namespace ContactHub.Channels.Graph;

/// <summary>
/// Reads each configured mailbox folder by delta query: follows next links, keeps the link it reached
/// (next or delta) in sync_state, ignores removed items, and restarts from scratch when Graph says the
/// delta link expired (410) — idempotent recording keeps that from duplicating anything.
/// </summary>
public sealed class GraphMailboxSync(GraphClient graph, SyncStateStore state, InboundEmailRecorder recorder, IOptions<GraphOptions> options, ILogger<GraphMailboxSync> logger)
{
    private static readonly string[] Fields = ["id", "internetMessageId", "subject", "from", "toRecipients", "ccRecipients", "receivedDateTime", "body", "hasAttachments"];

    public async Task<IngestResult> SyncAllAsync(CancellationToken ct = default)
    {
        var total = new IngestResult(0, 0, 0);
        foreach (var mailbox in options.Value.Mailboxes)
        {
            var r = await SyncAsync(mailbox.User!, mailbox.Folder, ct);
            total = new IngestResult(total.Recorded + r.Recorded, total.Repeated + r.Repeated, total.Skipped + r.Skipped);
        }
        return total;
    }

    public async Task<IngestResult> SyncAsync(string user, string folder, CancellationToken ct = default, bool restarted = false)
    {
        var key = $"graph:delta:{user}/{folder}";
        var link = await state.GetAsync(key, ct);
        var delta = graph.Service.Users[user].MailFolders[folder].Messages.Delta;
        DeltaGetResponse? page;
        try
        {
            page = link is null
                ? await delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = Fields, ct)
                : await delta.WithUrl(link).GetAsDeltaGetResponseAsync(cancellationToken: ct);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 410 && !restarted)
        {
            GraphLog.DeltaExpired(logger, Hosting.Redact.Email(user), folder);
            await state.SetAsync(key, null, ct);
            return await SyncAsync(user, folder, ct, restarted: true);
        }

        var (recorded, repeated, skipped) = (0, 0, 0);
        while (page is not null)
        {
            foreach (var message in page.Value ?? [])
            {
                if (message.AdditionalData?.ContainsKey("@removed") == true) continue; // deleted or moved away: the history stays
                if (await recorder.IsRecordedAsync(message.InternetMessageId, ct))
                {
                    repeated++; // known: its headers are not asked for again (a restarted delta reads the whole folder)
                    continue;
                }
                var (outcome, reason) = await recorder.RecordAsync(ToInbound(message, await HeadersAsync(user, message, ct)), ct);
                if (outcome == InboundOutcome.Recorded) recorded++;
                else if (outcome == InboundOutcome.Repeated) repeated++;
                else { skipped++; EmailLog.Skipped(logger, "Graph", message.Id ?? "?", reason ?? ""); }
            }
            if (page.OdataNextLink is { } next)
            {
                await state.SetAsync(key, next, ct); // a crash resumes from this page
                page = await delta.WithUrl(next).GetAsDeltaGetResponseAsync(cancellationToken: ct);
            }
            else
            {
                if (page.OdataDeltaLink is { } deltaLink) await state.SetAsync(key, deltaLink, ct);
                page = null;
            }
        }
        if (recorded + skipped > 0) EmailLog.Ingested(logger, "Graph", recorded, repeated, skipped);
        return new IngestResult(recorded, repeated, skipped);
    }

    /// <summary>
    /// A message's Internet headers, asked for by the message (Graph returns them only when selected, and the delta query is
    /// not documented to select them): In-Reply-To and References thread a reply to the email it answers, Auto-Submitted and
    /// the report's type tell an out-of-office or a bounce. A message gone since the delta page has none.
    /// </summary>
    private async Task<Func<string, string?>> HeadersAsync(string user, Message message, CancellationToken ct)
    {
        if (message.Id is null) return _ => null;
        List<InternetMessageHeader> headers;
        try
        {
            headers = (await graph.Service.Users[user].Messages[message.Id].GetAsync(c => c.QueryParameters.Select = ["internetMessageHeaders"], ct))?.InternetMessageHeaders ?? [];
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            headers = [];
        }
        return name => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
    }

    private static InboundEmail ToInbound(Message m, Func<string, string?> header) => new(
        m.InternetMessageId ?? $"graph.{m.Id}@graph.microsoft.com",
        m.From?.EmailAddress?.Address, m.From?.EmailAddress?.Name,
        m.ToRecipients?.Select(r => r.EmailAddress?.Address).OfType<string>().ToList() ?? [],
        m.CcRecipients?.Select(r => r.EmailAddress?.Address).OfType<string>().ToList() ?? [],
        m.Subject, m.ReceivedDateTime,
        m.Body?.ContentType == BodyType.Html && m.Body.Content is { } html ? InboundEmailRecorder.HtmlToText(html) : m.Body?.Content,
        new[] { header("In-Reply-To"), header("References") }.SelectMany(h => (h ?? "").Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).ToList(),
        m.HasAttachments == true ? [new InboundAttachment("(attachments: see the mailbox)", null)] : [],
        "graph",
        AutomaticMail.Classify(m.From?.EmailAddress?.Address,
            MimeKit.ContentType.TryParse(header("Content-Type") ?? "", out var type) && AutomaticMail.IsDeliveryReport(type), header));
}
