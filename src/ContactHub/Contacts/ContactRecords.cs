namespace ContactHub.Contacts;

public sealed record ContactRow(long Id, string? DisplayName, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long? MergedIntoId, DateTimeOffset? ErasedAt);

public sealed record ContactIdentifier(long Id, string Kind, string? Provider, string Value, DateTimeOffset CreatedAt);

public sealed record Contact(long Id, string? Name, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<ContactIdentifier> Identifiers, long? RedirectedFrom = null)
{
    /// <summary>The contact's tags, normalised, in order.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The contact's typed attributes (GET /api/v1/contacts/{id}; other reads leave them out).</summary>
    public IReadOnlyDictionary<string, object>? Attributes { get; init; }
}

public sealed record ContactSummary(long Id, string? Name, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>How to reach the contact, phones then email addresses, two of each at most: what tells two of one name apart in a search's results.</summary>
    public IReadOnlyList<string>? Reach { get; init; }
}

public sealed record DuplicateCandidate(long Id, long ContactId, string? ContactName, long OtherContactId, string? OtherContactName, string Reason, DateTimeOffset DetectedAt);
