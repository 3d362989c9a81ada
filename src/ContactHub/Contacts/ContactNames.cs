using System.Data.Common;
using System.Text;
using ContactHub.Data;
using ContactHub.Hosting;
using Dapper;

namespace ContactHub.Contacts;

/// <summary>
/// The words a contact is found by: each word of the name, lower-cased and without accents ("Zoé Dupont" → zoe, dupont),
/// kept in contact_name_words whenever a name is set, so that search probes an index on any part of a name as agents type it.
/// </summary>
public sealed class ContactNames(Db db, ILogger<ContactNames> logger) : IStartupTask
{
    private const string DeleteSql = "DELETE FROM contact_name_words WHERE contact_id = @contactId";

    /// <summary>One word of a contact's name (<see cref="IndexAsync"/> replaces a contact's words; seed-demo writes many at once).</summary>
    internal const string InsertWordSql = "INSERT INTO contact_name_words (word, contact_id) VALUES (@word, @contactId)";

    private const string UnindexedSql = """
        SELECT c.id, c.display_name FROM contacts c
        WHERE c.display_name IS NOT NULL AND c.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM contact_name_words w WHERE w.contact_id = c.id)
        ORDER BY c.id {LIMIT:@limit}
        """;

    /// <summary>
    /// Replaces a contact's name words (none for a null name), inside the caller's transaction. <paramref name="created"/>: the
    /// contact was created in this transaction and has no words to remove.
    /// </summary>
    public async Task IndexAsync(DbConnection connection, DbTransaction transaction, long contactId, string? name, CancellationToken ct, bool created = false)
    {
        if (!created) await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { contactId }, transaction, cancellationToken: ct));
        var words = Words(name).Select(word => new (string, object?)[] { ("word", word), ("contactId", contactId) }).ToList();
        if (words.Count > 0) await db.RunEachAsync(connection, transaction, InsertWordSql, words, returnsId: false, ct);
    }

    /// <summary>At start-up, the words of contacts named before this index existed (a no-op once done).</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var batch = await db.InTransactionAsync(async (connection, tx) =>
            {
                var rows = (await connection.QueryAsync<(long Id, string Name)>(new CommandDefinition(db.Sql(UnindexedSql), new { limit = 2_000 }, tx, cancellationToken: ct))).ToList();
                foreach (var (id, name) in rows) await IndexAsync(connection, tx, id, name, ct);
                return rows.Count;
            }, ct);
            total += batch;
            if (batch < 2_000) break;
        }
        if (total > 0) ContactsLog.NamesIndexed(logger, total);
    }

    /// <summary>The distinct words of a name as search compares them.</summary>
    public static IReadOnlyList<string> Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length > 100 ? w[..100] : w).Distinct().ToList();

    /// <summary>Lower case, Latin accents and ligatures folded to their letters, anything but letters and digits a space.</summary>
    /// <remarks>A table, not <c>string.Normalize(FormD)</c>: the service runs with InvariantGlobalization, where Normalize returns the text unchanged.</remarks>
    public static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
            folded.Append(c switch
            {
                'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' or 'ā' or 'ă' or 'ą' => "a",
                'ç' or 'ć' or 'č' => "c",
                'ď' or 'đ' => "d",
                'è' or 'é' or 'ê' or 'ë' or 'ē' or 'ė' or 'ę' or 'ě' => "e",
                'ì' or 'í' or 'î' or 'ï' or 'ī' or 'į' or 'ı' => "i",
                'ł' or 'ľ' or 'ĺ' => "l",
                'ñ' or 'ń' or 'ň' => "n",
                'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' or 'ō' or 'ő' => "o",
                'ř' or 'ŕ' => "r",
                'ś' or 'š' or 'ş' => "s",
                'ß' => "ss",
                'ť' or 'ţ' => "t",
                'ù' or 'ú' or 'û' or 'ü' or 'ū' or 'ů' or 'ű' or 'ų' => "u",
                'ý' or 'ÿ' => "y",
                'ź' or 'ż' or 'ž' => "z",
                'æ' => "ae",
                'œ' => "oe",
                _ when char.IsLetterOrDigit(c) => c.ToString(),
                _ => " ",
            });
        return folded.ToString();
    }
}
