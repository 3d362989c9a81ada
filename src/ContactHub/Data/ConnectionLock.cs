using System.Data.Common;
using Dapper;

namespace ContactHub.Data;

/// <summary>A lock held by an open connection (an advisory or application lock), released with a statement and the connection closed.</summary>
internal sealed class ConnectionLock(DbConnection? connection, string? release, object? args) : IAsyncDisposable
{
    public static async Task<IAsyncDisposable> AcquireAsync(Db db, string acquire, string release, object? args, int timeoutSeconds, CancellationToken ct)
    {
        var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(acquire, args, commandTimeout: timeoutSeconds, cancellationToken: ct));
        return new ConnectionLock(connection, release, args);
    }

    public static IAsyncDisposable None { get; } = new ConnectionLock(null, null, null);

    public async ValueTask DisposeAsync()
    {
        if (connection is null) return;
        try { await connection.ExecuteAsync(release!, args); }
        finally { await connection.DisposeAsync(); }
    }
}
