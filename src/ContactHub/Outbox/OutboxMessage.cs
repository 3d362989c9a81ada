namespace ContactHub.Outbox;

/// <summary>What the dispatcher needs to send one message, stored as JSON in outbox.payload (a Content template's sid and variables instead of the body for Twilio).</summary>
public sealed record OutboxPayload(string To, string Body, string? Subject = null, string? Html = null, string? MessageId = null,
    string? InReplyTo = null, IReadOnlyList<string>? References = null, IReadOnlyList<string>? MediaUrls = null,
    IReadOnlyList<OutboxAttachment>? Attachments = null, string? ContentSid = null, string? ContentVariables = null);

public sealed record OutboxAttachment(string FileName, string ContentType, string ContentBase64);

/// <summary>A claimed row, with the contact the message goes to.</summary>
public sealed record OutboxItem(long Id, long InteractionId, string Channel, string Payload, long Attempts, long ContactId);

/// <summary>Wakes the dispatcher as soon as a message is queued, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal : ContactHub.Hosting.Wakeup;
