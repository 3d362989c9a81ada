using System.Data.Common;

namespace ContactHub.Contacts;

/// <summary>
/// A feature outside Contacts that keeps personal data of its own about a contact (a call's recording and transcription, say):
/// it forgets it inside the erasure's transaction, so that an erasure is whole or not at all. Register with DI.
/// </summary>
public interface IErasureParticipant
{
    /// <param name="contactIds">The erased contact and the contacts merged into it.</param>
    Task EraseAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> contactIds, DateTimeOffset now, CancellationToken ct);
}

/// <summary>Another feature's text about contacts that the contact search also looks in (a voicemail's transcription, say).</summary>
public interface IContactSearchSource
{
    /// <summary>Ids of contacts whose text contains <paramref name="text"/> (at least three characters), newest first.</summary>
    Task<IReadOnlyList<long>> FindContactsAsync(string text, int limit, CancellationToken ct);
}
