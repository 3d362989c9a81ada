using Microsoft.Extensions.Options;
using Quartz;

namespace ContactHub.Conversations;

/// <summary>Ends conversations whose last activity is older than Conversations:InactivityTimeout.</summary>
[DisallowConcurrentExecution]
public sealed class EndIdleConversationsJob(ConversationStore store, IOptions<ConversationsOptions> options, TimeProvider clock, ILogger<EndIdleConversationsJob> logger) : IJob
{
    public static readonly JobKey Key = new("end-idle-conversations", "conversations");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var ended = await RunAsync(ct);
        if (ended > 0) ConversationsLog.IdleEnded(logger, ended);
    }

    public Task<int> RunAsync(CancellationToken ct = default) =>
        store.EndIdleAsync(clock.GetUtcNow() - options.Value.InactivityTimeout, ct);
}
