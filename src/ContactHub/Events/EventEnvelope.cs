using System.Text.Json;

namespace ContactHub.Events;

/// <summary>
/// One event as every consumer sees it — the feed, the stream and a webhook body alike. <c>Id</c> is stable (a webhook's
/// <c>webhook-id</c>, the key a consumer de-duplicates on); <c>Cursor</c> is its place in the log, to resume after.
/// </summary>
public sealed record EventEnvelope(string Id, long Cursor, string Type, DateTimeOffset Timestamp, long? ContactId, JsonElement Data)
{
    public static string IdOf(long eventId) => $"evt_{eventId}";
}

/// <summary>A stored event row.</summary>
public sealed record EventRow(long Id, long Position, string Type, long? ContactId, string? Channel, string? Agent, string? Changed, string Data, DateTimeOffset OccurredAt)
{
    public EventEnvelope ToEnvelope()
    {
        using var document = JsonDocument.Parse(Data);
        return new EventEnvelope(EventEnvelope.IdOf(Id), Position, Type, OccurredAt, ContactId, document.RootElement.Clone());
    }
}
