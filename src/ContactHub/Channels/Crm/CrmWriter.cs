using System.Text.Json;
using ContactHub.Contacts;
using ContactHub.Events;
using ContactHub.Security;

namespace ContactHub.Channels.Crm;

/// <summary>
/// What one event means to a CRM: an interaction recorded or changed is upserted as it is now (so replaying an event is
/// harmless); a conversation's end rewrites its written interactions with the summary; an erasure deletes (or blanks) what
/// was written for the contact. The CRM contact is the one stored before, else the one the CRM finds by phone or email —
/// stored then as the contact's identifier (provider = the connector) so that the next write is direct. Never guessed.
/// </summary>
public sealed class CrmWriter(CrmStore store, ContactStore contacts, AuditLog audit)
{
    public static readonly IReadOnlyList<string> Types =
        [EventTypes.InteractionRecorded, EventTypes.InteractionStatusChanged, EventTypes.ConversationEnded, EventTypes.ContactErased];

    /// <summary>Handles one event; true when something was written. Throws transient (retry in order) or permanent (park).</summary>
    public async Task<bool> HandleAsync(ICrmConnector crm, string type, long? contactId, string data, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        switch (type)
        {
            case EventTypes.InteractionRecorded or EventTypes.InteractionStatusChanged when Long(root, "interactionId") is { } interactionId:
                return await WriteAsync(crm, interactionId, ct);
            case EventTypes.ConversationEnded when Long(root, "conversationId") is { } conversationId:
                var wrote = false;
                foreach (var interactionId in await store.WritesOfConversationAsync(crm.Name, conversationId, ct))
                    wrote |= await WriteAsync(crm, interactionId, ct);
                return wrote;
            case EventTypes.ContactErased when contactId is { } erased:
                return await EraseAsync(crm, erased, ct);
            default:
                return false;
        }
    }

    public async Task<bool> WriteAsync(ICrmConnector crm, long interactionId, CancellationToken ct)
    {
        if (await store.ActivityAsync(interactionId, ct) is not { } activity) return false; // gone, or its contact erased since
        var (keys, crmContactId) = await store.ContactKeysAsync(activity.ContactId, crm.Name, ct);
        if (crmContactId is null)
        {
            if (keys.Phones.Count == 0 && keys.Emails.Count == 0)
                throw new CrmPermanentException($"Contact {activity.ContactId} has no phone or email to find in {crm.Name}; add its {crm.Name} id as an external identifier (provider {crm.Name}).");
            crmContactId = await crm.FindContactAsync(keys, ct)
                ?? throw new CrmPermanentException($"No {crm.Name} contact has {Describe(keys)}; create one, or add its {crm.Name} id to contact {activity.ContactId} (external identifier, provider {crm.Name}), then retry.");
            await contacts.AddIdentifierAsync(activity.ContactId, new Identifier(IdentifierKind.External, crm.Name, crmContactId), ct);
        }
        var first = !await store.WrittenAsync(crm.Name, interactionId, ct);
        var id = await crm.UpsertAsync(activity, crmContactId, first, ct);
        await store.RecordWriteAsync(crm.Name, interactionId, activity.ContactId, id, ct);
        return true;
    }

    private async Task<bool> EraseAsync(ICrmConnector crm, long contactId, CancellationToken ct)
    {
        var written = await store.WritesOfContactsAsync(crm.Name, await store.ContactAndMergedAsync(contactId, ct), ct);
        foreach (var w in written)
        {
            await crm.EraseAsync(w.InteractionId, w.Channel, ct);
            await store.ForgetWriteAsync(crm.Name, w.InteractionId, ct);
        }
        if (written.Count > 0)
            audit.Write($"connector:{crm.Name}", "crm.erased", "contact", contactId.ToString(System.Globalization.CultureInfo.InvariantCulture), contactId, null,
                $"{written.Count} activities erased in {crm.Name}");
        return written.Count > 0;
    }

    private static long? Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    /// <summary>"phone +33…6 78 or email a…@example.com": enough to act on, not the whole address (reasons are shown and logged).</summary>
    private static string Describe(CrmContactKeys keys) =>
        string.Join(" or ", keys.Phones.Select(p => $"phone {Mask(p)}").Concat(keys.Emails.Select(e => $"email {Mask(e)}")));

    private static string Mask(string value) => value.Length <= 6 ? "…" : value[..3] + "…" + value[^3..];
}
