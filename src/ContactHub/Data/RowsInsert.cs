using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ContactHub.Data;

/// <summary>
/// A single-row <c>INSERT … VALUES (…)</c> written for several rows in one statement, where the engine batches commands: one
/// statement's overhead (its messages, its portal, the executor opening the table and its indexes, its trigger queue) for a run
/// of rows instead of one a row. Row k's parameters are renamed "name_rk". A run is cut into statements of 32, 16, 8, 4, 2 and
/// 1 rows, so that each text has at most six forms for the server to prepare. Only a text whose row holds no query of its own
/// (<c>SELECT</c>, as SQLite's event position does: a multi-row statement would read it once for all its rows) and no literal
/// (its placeholders are renamed by their pattern).
/// </summary>
public sealed partial class RowsInsert
{
    private const int MostRows = 32;

    private static readonly ConcurrentDictionary<string, RowsInsert?> Known = new(StringComparer.Ordinal);

    private readonly string _head;
    private readonly string _row;
    private readonly string?[] _texts = new string?[6];

    private RowsInsert(string head, string row) => (_head, _row) = (head, row);

    /// <summary>The text's multi-row form, or null where it is not a single-row <c>INSERT … VALUES (…)</c> that ends with its row.</summary>
    public static RowsInsert? Of(string sql) => Known.GetOrAdd(sql, Parse);

    private static RowsInsert? Parse(string sql)
    {
        if (!sql.TrimStart().StartsWith("INSERT INTO ", StringComparison.OrdinalIgnoreCase)) return null;
        var values = sql.LastIndexOf("VALUES", StringComparison.OrdinalIgnoreCase);
        if (values < 0) return null;
        var row = sql[(values + "VALUES".Length)..].Trim();
        if (row.Length < 2 || row[0] != '(' || Closing(row) != row.Length - 1) return null;
        if (row.Contains("SELECT", StringComparison.OrdinalIgnoreCase) || row.Contains('\'')) return null;
        return new RowsInsert(sql[..values] + "VALUES ", row);
    }

    /// <summary>Where the parenthesis that opens <paramref name="text"/> closes, or -1.</summary>
    private static int Closing(string text)
    {
        var depth = 0;
        for (var n = 0; n < text.Length; n++)
        {
            if (text[n] == '(') depth++;
            else if (text[n] == ')' && --depth == 0) return n;
        }
        return -1;
    }

    /// <summary>The statement for <paramref name="rows"/> rows (a power of two, 32 at most).</summary>
    public string Text(int rows)
    {
        var slot = System.Numerics.BitOperations.Log2((uint)rows);
        if (rows > MostRows || 1 << slot != rows) throw new ArgumentOutOfRangeException(nameof(rows), rows, "A power of two up to 32.");
        return _texts[slot] ??= _head + string.Join(",\n       ", Enumerable.Range(0, rows).Select(k => Placeholder().Replace(_row, m => $"{m.Value}_r{k}")));
    }

    /// <summary>
    /// The statements for <paramref name="rows"/> in order: runs of 32, 16, …, 1 rows, each with its rows' parameters renamed as
    /// its text names them ("name:DbType" keeps its type: "name_rk:DbType").
    /// </summary>
    public IEnumerable<(string Sql, (string Name, object? Value)[] Row)> Statements(IReadOnlyList<(string Name, object? Value)[]> rows)
    {
        for (var start = 0; start < rows.Count;)
        {
            var count = Math.Min(MostRows, 1 << System.Numerics.BitOperations.Log2((uint)(rows.Count - start)));
            var parameters = new List<(string, object?)>(count * rows[start].Length);
            for (var k = 0; k < count; k++)
                foreach (var (name, value) in rows[start + k])
                    parameters.Add((Renamed(name, k), value));
            yield return (Text(count), parameters.ToArray());
            start += count;
        }
    }

    private static string Renamed(string name, int k) =>
        name.IndexOf(':') is var colon and >= 0 ? $"{name[..colon]}_r{k}{name[colon..]}" : $"{name}_r{k}";

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Placeholder();
}
