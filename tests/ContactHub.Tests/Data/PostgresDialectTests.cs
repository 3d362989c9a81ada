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

    [Fact]
    public async Task A_connection_back_in_the_pool_is_not_reset_unless_the_connection_string_says_otherwise()
    {
        var dialect = new PostgresDialect();
        await using var source = (NpgsqlDataSource)dialect.CreateDataSource("Host=db.example;Username=contacthub;Password=placeholder");
        Assert.True(new NpgsqlConnectionStringBuilder(source.ConnectionString).NoResetOnClose);

        await using var reset = (NpgsqlDataSource)dialect.CreateDataSource("Host=db.example;Username=contacthub;Password=placeholder;No Reset On Close=false");
        Assert.False(new NpgsqlConnectionStringBuilder(reset.ConnectionString).NoResetOnClose);
    }
}
