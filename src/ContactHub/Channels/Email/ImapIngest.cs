using ContactHub.Data;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ContactHub.Channels.Email;

public sealed record IngestResult(int Recorded, int Repeated, int Skipped);

/// <summary>
/// Reads the support mailbox over IMAP since the last UID seen (kept in sync_state with the folder's
/// UIDVALIDITY). Only envelopes, structure and the text part are fetched: a huge attachment is
/// recorded by name and size, never downloaded.
/// </summary>
public sealed class ImapIngest(IOptions<EmailOptions> options, SyncStateStore state, InboundEmailRecorder recorder, ILogger<ImapIngest> logger)
{
    private const uint MaxReportBytes = 1024 * 1024;

    private const MessageSummaryItems Items = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure
        | MessageSummaryItems.Size | MessageSummaryItems.References | MessageSummaryItems.InternalDate;

    public async Task<IngestResult> RunAsync(CancellationToken ct = default)
    {
        var imap = options.Value.Imap;
        if (!imap.Enabled) return new(0, 0, 0);
        using var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync(imap.Host!, imap.Port, imap.Security, ct);
        await client.AuthenticateAsync(imap.Username!, imap.Password!, ct);
        var folder = await client.GetFolderAsync(imap.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadOnly, ct);

        var key = $"imap:{imap.Username}@{imap.Host}:{imap.Port}/{imap.Folder}";
        var (validity, lastUid) = Parse(await state.GetAsync(key, ct));
        if (validity != folder.UidValidity) lastUid = 0; // the folder was rebuilt: read it again (idempotency keeps one copy)

        var uids = (await folder.SearchAsync(SearchQuery.All, ct)).Where(u => u.Id > lastUid).OrderBy(u => u.Id).Take(imap.BatchSize).ToList();
        var (recorded, repeated, skipped) = (0, 0, 0);
        if (uids.Count > 0)
        {
            foreach (var summary in (await folder.FetchAsync(uids, new FetchRequest(Items, AutomaticMail.Headers), ct)).OrderBy(s => s.UniqueId.Id))
            {
                var outcome = await RecordOne(folder, summary, ct);
                if (outcome == InboundOutcome.Recorded) recorded++;
                else if (outcome == InboundOutcome.Repeated) repeated++;
                else skipped++;
                // The cursor moves past every message read, recorded or skipped: nothing is read twice, nothing blocks the rest.
                await state.SetAsync(key, $"{folder.UidValidity}:{summary.UniqueId.Id}", ct);
            }
        }
        await client.DisconnectAsync(true, ct);
        if (recorded + skipped > 0) EmailLog.Ingested(logger, "IMAP", recorded, repeated, skipped);
        return new(recorded, repeated, skipped);
    }

    private async Task<InboundOutcome> RecordOne(IMailFolder folder, IMessageSummary summary, CancellationToken ct)
    {
        try
        {
            var envelope = summary.Envelope;
            var from = envelope?.From.Mailboxes.FirstOrDefault();
            var text = summary.TextBody is { } textPart ? (await folder.GetBodyPartAsync(summary.UniqueId, textPart, ct) as TextPart)?.Text
                : summary.HtmlBody is { } htmlPart && await folder.GetBodyPartAsync(summary.UniqueId, htmlPart, ct) is TextPart html ? InboundEmailRecorder.HtmlToText(html.Text)
                : null;
            var threadIds = (envelope?.InReplyTo is { } reply ? new[] { reply } : []).Concat(summary.References ?? []).ToList();
            var automatic = AutomaticMail.Classify(from?.Address, AutomaticMail.IsDeliveryReport(summary.Body?.ContentType), name => summary.Headers?[name]);
            // A bounce is read whole to find the email it returns; one larger than that (an attachment sent back) keeps to its headers.
            var failure = automatic == AutomaticKind.Bounce && summary.Size is <= MaxReportBytes
                ? AutomaticMail.ReadReport(await folder.GetMessageAsync(summary.UniqueId, ct)) : null;
            var email = new InboundEmail(
                envelope?.MessageId ?? $"imap.{folder.UidValidity}.{summary.UniqueId.Id}@{options.Value.Imap.Host}",
                from?.Address, from?.Name,
                envelope?.To.Mailboxes.Select(m => m.Address).ToList() ?? [], envelope?.Cc.Mailboxes.Select(m => m.Address).ToList() ?? [],
                envelope?.Subject, envelope?.Date ?? summary.InternalDate, text, threadIds,
                summary.Attachments.Select(a => new InboundAttachment(a.FileName, a.Octets)).ToList(), "imap", automatic, failure);
            var (outcome, reason) = await recorder.RecordAsync(email, ct);
            if (outcome == InboundOutcome.Skipped) EmailLog.Skipped(logger, "IMAP", summary.UniqueId.Id.ToString(), reason ?? "");
            return outcome;
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ImapCommandException or InvalidOperationException or ArgumentException)
        {
            EmailLog.Skipped(logger, "IMAP", summary.UniqueId.Id.ToString(), ex.GetType().Name);
            return InboundOutcome.Skipped;
        }
    }

    private static (uint Validity, uint LastUid) Parse(string? value) =>
        value?.Split(':') is [var v, var u] && uint.TryParse(v, out var validity) && uint.TryParse(u, out var uid) ? (validity, uid) : (0, 0);
}
