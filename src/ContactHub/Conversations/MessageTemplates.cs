using System.Text.Json;
using System.Text.RegularExpressions;
using ContactHub.Data;
using Dapper;

namespace ContactHub.Conversations;

/// <summary>
/// A Twilio Content template registered under a name ContactHub's senders use: its ContentSid, how each of its variables
/// ("1", "2" …) is filled (Liquid over contact, conversation and the request's data), and a preview — the text recorded on
/// the interaction, since Twilio renders the real message.
/// </summary>
public sealed record MessageTemplate(string Name, string Channel, string ContentSid, IReadOnlyDictionary<string, string> Variables, string? Preview,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed partial class MessageTemplateStore(Db db, TimeProvider clock)
{
    private sealed record Row(string Name, string Channel, string ContentSid, string? Variables, string? Preview, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public MessageTemplate ToTemplate() => new(Name, Channel, ContentSid,
            Variables is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(Variables)!, Preview, CreatedAt, UpdatedAt);
    }

    private const string ListSql = "SELECT name, channel, content_sid, variables, preview, created_at, updated_at FROM message_templates ORDER BY name";
    private const string GetSql = "SELECT name, channel, content_sid, variables, preview, created_at, updated_at FROM message_templates WHERE name = @name";
    private const string UpdateSql = """
        UPDATE message_templates SET channel = @channel, content_sid = @contentSid, variables = @variables, preview = @preview, updated_at = @now WHERE name = @name
        """;
    private const string InsertSql = """
        INSERT INTO message_templates (name, channel, content_sid, variables, preview, created_at, updated_at)
        VALUES (@name, @channel, @contentSid, @variables, @preview, @now, @now)
        """;
    private const string DeleteSql = "DELETE FROM message_templates WHERE name = @name";

    public async Task<IReadOnlyList<MessageTemplate>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(db.Sql(ListSql), cancellationToken: ct))).Select(r => r.ToTemplate()).ToList();
    }

    public async Task<MessageTemplate?> GetAsync(string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(db.Sql(GetSql), new { name }, cancellationToken: ct)))?.ToTemplate();
    }

    /// <summary>Creates or replaces the template; true when it was new.</summary>
    public Task<bool> SaveAsync(string name, string channel, string contentSid, IReadOnlyDictionary<string, string> variables, string? preview, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var args = new { name, channel, contentSid, variables = JsonSerializer.Serialize(variables), preview, now = clock.GetUtcNow() };
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(UpdateSql), args, tx, cancellationToken: ct)) > 0) return false;
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), args, tx, cancellationToken: ct));
            return true;
        }, ct);

    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(DeleteSql), new { name }, cancellationToken: ct)) > 0;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,99}$")]
    public static partial Regex Name();

    [GeneratedRegex("^HX[0-9a-fA-F]{32}$")]
    public static partial Regex ContentSid();
}

/// <summary>
/// WhatsApp's customer-service window: a business may write free text for 24 hours after the customer's last message;
/// outside it only an approved template goes through (Twilio error 63016 otherwise). Read from the recorded interactions.
/// </summary>
public sealed class WhatsAppWindow(Db db)
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    private const string LastInboundSql = """
        SELECT MAX(occurred_at) FROM interactions WHERE contact_id = @contactId AND channel = 'whatsapp' AND direction = 'inbound'
        """;

    /// <summary>When the contact last wrote on WhatsApp, if ever.</summary>
    public async Task<DateTimeOffset?> LastInboundAsync(long contactId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(db.Sql(LastInboundSql), new { contactId }, cancellationToken: ct));
    }

    public static bool IsOpen(DateTimeOffset? lastInbound, DateTimeOffset now) => lastInbound is { } last && now - last < Length;
}
