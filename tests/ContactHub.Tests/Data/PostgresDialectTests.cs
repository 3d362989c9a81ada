using ContactHub.Data;
using Npgsql;

namespace ContactHub.Tests.Data;

public sealed class PostgresDialectTests
{
    [Fact]
    public async Task Repeated_statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var dialect = new PostgresDialect();
        await using var source = (NpgsqlDataSource)dialect.CreateDataSource("Host=db.example;Username=contacthub;Password=placeholder");
        var settings = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        Assert.Equal(256, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);

        await using var off = (NpgsqlDataSource)dialect.CreateDataSource("Host=db.example;Username=contacthub;Password=placeholder;Max Auto Prepare=0");
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(off.ConnectionString).MaxAutoPrepare);
    }
}
