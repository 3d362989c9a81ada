using Microsoft.Extensions.Options;
using Microsoft.Graph.Models.ODataErrors;
using Quartz;

namespace ContactHub.Channels.Graph;

/// <summary>Polls the Graph mailboxes and Teams PSTN calls (Graph:PollInterval); a change notification runs it at once.</summary>
[DisallowConcurrentExecution]
public sealed class GraphSyncJob(IServiceProvider services, IOptions<GraphOptions> options, ILogger<GraphSyncJob> logger) : IJob
{
    public static readonly JobKey Key = new("graph-sync", "email");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        try
        {
            if (options.Value.Mailboxes.Count > 0) await services.GetRequiredService<GraphMailboxSync>().SyncAllAsync(ct);
            if (options.Value.PstnCalls) await services.GetRequiredService<TeamsCallSync>().SyncAsync(ct);
        }
        catch (Exception ex) when (ex is ODataError or HttpRequestException or InvalidOperationException or Microsoft.Kiota.Abstractions.ApiException)
        {
            GraphLog.SyncFailed(logger, ex is ODataError o ? $"{o.ResponseStatusCode} {o.Error?.Code}" : ex.GetType().Name);
        }
    }
}
