using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ContactHub.Data;

/// <summary>Ready means the database answers a query within the check's timeout.</summary>
public sealed class DatabaseHealthCheck(Db db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
            return HealthCheckResult.Healthy($"{db.Provider} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The exception's type only: messages can carry host names and user names.
            return HealthCheckResult.Unhealthy($"{db.Provider} does not answer ({ex.GetType().Name})");
        }
    }
}
