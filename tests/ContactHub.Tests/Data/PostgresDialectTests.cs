using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
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

    [Theory]
    [InlineData("Host=db.example;Username=contacthub;Password=placeholder", "-c jit=off")]
    [InlineData("Host=db.example;Username=contacthub;Password=placeholder;Options=-c search_path=crm", "-c search_path=crm -c jit=off")]
    [InlineData("Host=db.example;Username=contacthub;Password=placeholder;Options=-c jit=on", "-c jit=on")]
    public async Task Sessions_run_without_the_JIT_unless_the_connection_string_sets_it(string connectionString, string options)
    {
        await using var source = (NpgsqlDataSource)new PostgresDialect().CreateDataSource(connectionString);

        Assert.Equal(options, new NpgsqlConnectionStringBuilder(source.ConnectionString).Options);
    }

    [SkippableFact]
    public async Task A_session_of_the_service_has_the_JIT_off_on_the_server()
    {
        var engine = TestEngine.For(DatabaseProvider.Postgres);
        Skip.If(engine.SkipReason is not null, engine.SkipReason);
        var connectionString = await engine.CreateDatabaseAsync($"chjit_{Guid.NewGuid():N}"[..20]);
        try
        {
            await using var db = new Db(DatabaseProvider.Postgres, connectionString, Path.GetTempPath());
            await using var connection = await db.OpenAsync();

            Assert.Equal("off", await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SHOW jit"));
        }
        finally
        {
            await engine.DropDatabaseAsync(connectionString);
        }
    }
}
