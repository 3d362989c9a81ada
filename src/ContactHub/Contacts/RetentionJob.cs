using System.ComponentModel.DataAnnotations;
using ContactHub.Data;
using ContactHub.Events;
using Dapper;
using Microsoft.Extensions.Options;
using Quartz;

namespace ContactHub.Contacts;

public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Retention";

    /// <summary>Blank message bodies older than this many days (0: keep them).</summary>
    public int MessageBodiesDays { get; set; }

    /// <summary>Delete interactions older than this many days (0: keep them).</summary>
    public int InteractionsDays { get; set; }

    /// <summary>Delete events of the event log older than this many days, with their webhook deliveries (0: keep them).</summary>
    public int EventsDays { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (MessageBodiesDays < 0 || InteractionsDays < 0 || EventsDays < 0)
            yield return new($"{Section}:MessageBodiesDays, {Section}:InteractionsDays and {Section}:EventsDays must be 0 (off) or a number of days.");
    }
}

/// <summary>The daily retention pass (off by default): old bodies blanked, old interactions and old events deleted.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(Db db, EventLog events, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("retention", "privacy");

    private const string BlankBodiesSql = "UPDATE interactions SET body = NULL, updated_at = @now WHERE occurred_at < @cutoff AND body IS NOT NULL";
    private const string DeleteOldOutboxSql = "DELETE FROM outbox WHERE interaction_id IN (SELECT id FROM interactions WHERE occurred_at < @cutoff)";
    private const string UnlinkOldFollowUpsSql = """
        UPDATE follow_ups SET completed_interaction_id = NULL WHERE completed_interaction_id IN (SELECT id FROM interactions WHERE occurred_at < @cutoff)
        """;
    private const string DeleteOldInteractionsSql = "DELETE FROM interactions WHERE occurred_at < @cutoff";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var (blanked, deleted) = await RunAsync(ct);
        if (blanked + deleted > 0) ContactsLog.Retention(logger, blanked, deleted);
    }

    public async Task<(int Blanked, int Deleted)> RunAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var blanked = 0;
        var deleted = 0;
        if (o.MessageBodiesDays > 0)
        {
            await using var connection = await db.OpenAsync(ct);
            blanked = await connection.ExecuteAsync(new CommandDefinition(db.Sql(BlankBodiesSql), new { cutoff = now.AddDays(-o.MessageBodiesDays), now }, cancellationToken: ct));
        }
        if (o.InteractionsDays > 0)
            deleted = await db.InTransactionAsync(async (connection, tx) =>
            {
                var args = new { cutoff = now.AddDays(-o.InteractionsDays) };
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteOldOutboxSql), args, tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(db.Sql(UnlinkOldFollowUpsSql), args, tx, cancellationToken: ct));
                return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteOldInteractionsSql), args, tx, cancellationToken: ct));
            }, ct);
        if (o.EventsDays > 0) await events.DeleteOlderThanAsync(now.AddDays(-o.EventsDays), ct);
        return (blanked, deleted);
    }
}
