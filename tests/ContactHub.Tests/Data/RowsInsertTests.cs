using ContactHub.Data;

namespace ContactHub.Tests.Data;

public sealed class RowsInsertTests
{
    private const string Insert = "INSERT INTO tags (name, contact_id, created_at)\nVALUES (@name, @contactId, @now)";

    [Fact]
    public void A_run_of_rows_goes_in_statements_of_powers_of_two_with_each_rows_parameters_renamed()
    {
        var insert = Assert.IsType<RowsInsert>(RowsInsert.Of(Insert));
        var rows = Enumerable.Range(0, 13)
            .Select(n => new (string, object?)[] { ("name", $"tag{n}"), ("contactId:Int64", (long)n), ("now", "t") }).ToList();

        var statements = insert.Statements(rows).ToList();

        Assert.Equal([8, 4, 1], statements.Select(s => s.Row.Length / 3));
        Assert.Equal("INSERT INTO tags (name, contact_id, created_at)\nVALUES (@name_r0, @contactId_r0, @now_r0),\n       (@name_r1, @contactId_r1, @now_r1)",
            insert.Text(2));
        Assert.Equal(insert.Text(8), statements[0].Sql);
        Assert.Equal([("name_r0", "tag8"), ("contactId_r0:Int64", 8L), ("now_r0", "t"), ("name_r1", "tag9")], statements[1].Row.Take(4).Select(p => (p.Name, p.Value)));
        Assert.Equal([("name_r0", "tag12"), ("contactId_r0:Int64", 12L), ("now_r0", "t")], statements[2].Row.Select(p => (p.Name, p.Value)));
        Assert.Equal(32, insert.Statements(Enumerable.Repeat(rows[0], 40).ToList()).First().Row.Length / 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => insert.Text(3));
    }

    [Theory]
    [InlineData("INSERT INTO interactions (provider) VALUES (@provider) RETURNING id")] // a result per row
    [InlineData("INSERT INTO events (position, type) VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM events), @type)")] // read once for all rows
    [InlineData("INSERT INTO tags (name) VALUES (@name) ON CONFLICT DO NOTHING")]
    [InlineData("INSERT INTO tags (name) SELECT @name WHERE NOT EXISTS (SELECT 1 FROM tags)")]
    [InlineData("INSERT INTO tags (name, kind) VALUES (@name, 'user@host')")] // a literal its renaming would change
    [InlineData("UPDATE tags SET name = @name WHERE id = @id")]
    public void A_text_that_is_not_one_plain_row_is_left_as_it_is(string sql) => Assert.Null(RowsInsert.Of(sql));
}
