using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Events;
using ContactHub.FollowUps;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ContactHub.Campaigns;

public sealed class CsatOptions : IValidatableObject
{
    public const string Section = "Csat";

    /// <summary>How long after the survey a reply still counts as its answer.</summary>
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>A score at or below this creates a follow-up task for the agent's lead.</summary>
    public int LowScore { get; set; } = 2;

    /// <summary>Who follows up a low score, by agent (Csat:Leads:maria = "lead.name").</summary>
    public Dictionary<string, string> Leads { get; set; } = [];

    /// <summary>Who follows up a low score when the agent has no lead listed (or the conversation had no agent).</summary>
    public string? DefaultLead { get; set; }

    /// <summary>The question sent when the campaign gives no body.</summary>
    public string Question { get; set; } = "How did we do? Reply with a number from 1 (poor) to 5 (excellent).";

    /// <summary>Where customers reach ContactHub's survey page (email surveys link there), e.g. https://contacthub.example.com.</summary>
    public string? PublicBaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (ReplyWindow < TimeSpan.FromMinutes(5) || ReplyWindow > TimeSpan.FromDays(30)) yield return new($"{Section}:ReplyWindow must be between 00:05:00 and 30.00:00:00.");
        if (LowScore is < 0 or > 5) yield return new($"{Section}:LowScore must be between 0 (never) and 5.");
        if (string.IsNullOrWhiteSpace(Question) || Question.Length > 1000) yield return new($"{Section}:Question must be 1 to 1000 characters.");
        if (PublicBaseUrl is not null && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            yield return new($"{Section}:PublicBaseUrl must be an absolute http(s) URL (was '{PublicBaseUrl}').");
    }
}

/// <summary>A survey sent after a conversation, and the score its customer gave (1–5), if any yet.</summary>
public sealed record CsatSurvey(long Id, long ConversationId, long ContactId, long? CampaignId, string Channel, string? Agent, long? InteractionId,
    DateTimeOffset SentAt, DateTimeOffset ExpiresAt, long? Score, DateTimeOffset? AnsweredAt, long? AnswerInteractionId, long? FollowUpId);

/// <summary>What an answer did: recorded now, already answered before (a retried webhook, a second click), or no open survey.</summary>
public enum CsatAnswer { Recorded, AlreadyAnswered, NoSurvey }

/// <summary>
/// CSAT surveys: opened when a csat campaign's message is queued, answered by a reply (a digit, a WhatsApp button's payload)
/// or a click in the email. An answer is filed in the surveyed conversation without reopening it or starting another;
/// a low score opens a follow-up for the agent's lead in the same transaction.
/// </summary>
public sealed partial class CsatStore(Db db, InteractionRecorder recorder, FollowUpStore followUps, EventLog events, IDataProtectionProvider protection,
    IOptions<CsatOptions> options, TimeProvider clock)
{
    private const string Columns = """
        SELECT id, conversation_id, contact_id, campaign_id, channel, agent, interaction_id, sent_at, expires_at, score, answered_at, answer_interaction_id, follow_up_id
        FROM csat_surveys
        """ + "\n";

    private const string InsertSql = """
        INSERT INTO csat_surveys (conversation_id, contact_id, campaign_id, channel, agent, interaction_id, sent_at, expires_at)
        SELECT @conversationId, @contactId, @campaignId, @channel, @agent, @interactionId, @now, @expiresAt
        WHERE NOT EXISTS (SELECT 1 FROM csat_surveys {LOCK} WHERE conversation_id = @conversationId) {ON_CONFLICT_IGNORE}
        """;

    private const string ForConversationSql = Columns + "WHERE conversation_id = @conversationId";

    private const string OpenForIdentifierSql = Columns + """
        WHERE answered_at IS NULL AND expires_at > @now AND channel = @channel
          AND contact_id IN (SELECT contact_id FROM contact_identifiers WHERE kind = @kind AND value = @value)
        ORDER BY sent_at DESC, id DESC {LIMIT:1}
        """;

    private const string AnswerSql = """
        UPDATE csat_surveys SET score = @score, answered_at = @now, answer_interaction_id = @interactionId WHERE id = @id AND answered_at IS NULL
        """;

    private const string FollowUpSql = "UPDATE csat_surveys SET follow_up_id = @followUpId WHERE id = @id";

    public async Task<CsatSurvey?> ForConversationAsync(long conversationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CsatSurvey>(new CommandDefinition(db.Sql(ForConversationSql), new { conversationId }, cancellationToken: ct));
    }

    /// <summary>Opens the conversation's survey (one per conversation; false when it already had one).</summary>
    public async Task<bool> OpenAsync(long conversationId, long contactId, long? campaignId, string channel, string? agent, long? interactionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Sql(InsertSql), new
        {
            conversationId, contactId, campaignId, channel, agent, interactionId, now, expiresAt = now + options.Value.ReplyWindow,
        }, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// A reply on SMS or WhatsApp: when its sender has an open survey on that channel and the reply is a score, it is recorded as
    /// the answer (the interaction filed in the surveyed conversation) and true is returned; otherwise nothing is written.
    /// </summary>
    public async Task<bool> TryAnswerAsync(NewInteraction reply, string? buttonPayload, CancellationToken ct)
    {
        if ((Score(buttonPayload) ?? Score(reply.Body)) is not { } score) return false;
        var now = clock.GetUtcNow();
        CsatSurvey? survey = null;
        await using (var connection = await db.OpenAsync(ct))
            foreach (var identifier in reply.Identifiers)
                if ((survey = await connection.QuerySingleOrDefaultAsync<CsatSurvey>(new CommandDefinition(db.Sql(OpenForIdentifierSql),
                        new { now, channel = reply.Channel, kind = identifier.Kind, value = identifier.Value }, cancellationToken: ct))) is not null)
                    break;
        if (survey is null) return false;
        await AnswerAsync(survey, score, reply with { ConversationId = survey.ConversationId, KeepsConversationEnded = true }, ct);
        return true;
    }

    /// <summary>A click in the survey email (its token names the conversation).</summary>
    public async Task<CsatAnswer> AnswerByLinkAsync(long conversationId, int score, CancellationToken ct)
    {
        var survey = await ForConversationAsync(conversationId, ct);
        if (survey is null || survey.ExpiresAt <= clock.GetUtcNow()) return CsatAnswer.NoSurvey;
        if (survey.AnsweredAt is not null) return CsatAnswer.AlreadyAnswered;
        return await AnswerAsync(survey, score, null, ct) ? CsatAnswer.Recorded : CsatAnswer.AlreadyAnswered;
    }

    private Task<bool> AnswerAsync(CsatSurvey survey, int score, NewInteraction? reply, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            long? interactionId = null;
            if (reply is not null)
            {
                var recorded = await recorder.RecordAsync(connection, tx, reply, ct);
                if (recorded.Repeated) return false; // the same message again (a retried webhook)
                interactionId = recorded.InteractionId;
            }
            var now = clock.GetUtcNow();
            if (await connection.ExecuteAsync(new CommandDefinition(db.Sql(AnswerSql), new { id = survey.Id, score, now, interactionId }, tx, cancellationToken: ct)) == 0)
                return false; // answered meanwhile: the reply stays in the conversation, the first score counts
            await events.AppendAsync(connection, tx, new NewEvent(EventTypes.ConversationRated, survey.ContactId,
                new { conversationId = survey.ConversationId, contactId = survey.ContactId, score, channel = survey.Channel, agent = survey.Agent, surveyId = survey.Id })
            { ConversationId = survey.ConversationId, Channel = survey.Channel, Agent = survey.Agent, InteractionId = interactionId }, ct);
            if (score <= options.Value.LowScore)
            {
                var lead = survey.Agent is { } agent && options.Value.Leads.TryGetValue(agent, out var l) ? l : options.Value.DefaultLead;
                var followUpId = await followUps.CreateAsync(connection, tx, survey.ContactId, survey.ConversationId, $"Low satisfaction score: {score}/5",
                    $"The customer rated conversation {survey.ConversationId}" + (survey.Agent is { } a ? $" with {a}" : "") + $" {score}/5. Call them back.",
                    lead, now.AddDays(1), "csat", ct);
                if (followUpId is { } id)
                    await connection.ExecuteAsync(new CommandDefinition(db.Sql(FollowUpSql), new { id = survey.Id, followUpId = id }, tx, cancellationToken: ct));
            }
            return true;
        }, ct);

    /// <summary>1 to 5 from "4", "4/5", "4 stars", " 5! ", or a button payload "csat:4"; null for anything else (which is an ordinary message).</summary>
    public static int? Score(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40) return null;
        var m = ScorePattern().Match(text.Trim());
        return m.Success ? m.Groups["score"].Value[0] - '0' : null;
    }

    [GeneratedRegex(@"^(?:csat[:\-_ ])?(?<score>[1-5])(?:\s*(?:/\s*5|stars?|étoiles?|⭐+))?\s*[.!]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScorePattern();

    // The email's links: a token naming the conversation, valid while the survey is.
    private ITimeLimitedDataProtector Tokens => protection.CreateProtector("ContactHub.Csat.Answer").ToTimeLimitedDataProtector();

    public string LinkToken(long conversationId) =>
        Tokens.Protect(conversationId.ToString(CultureInfo.InvariantCulture), clock.GetUtcNow() + options.Value.ReplyWindow);

    public long? ConversationOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2000) return null;
        try
        {
            var payload = Tokens.Unprotect(token, out var expires);
            return expires > clock.GetUtcNow() && long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (CryptographicException) { return null; }
    }
}
