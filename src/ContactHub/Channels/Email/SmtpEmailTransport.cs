using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Email;

/// <summary>MailKit over SMTP: one connection per batch, a clean QUIT at the end.</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options, ILogger<SmtpEmailTransport> logger) : IEmailTransport
{
    public async Task<IReadOnlyList<EmailSendResult>> SendAsync(IReadOnlyList<OutgoingEmail> emails, CancellationToken ct = default)
    {
        var o = options.Value;
        var results = new List<EmailSendResult>(emails.Count);
        using var client = new SmtpClient { Timeout = (int)o.Smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(o.Smtp.Host!, o.Smtp.Port, o.Smtp.Security, ct);
            if (!string.IsNullOrEmpty(o.Smtp.Username)) await client.AuthenticateAsync(o.Smtp.Username, o.Smtp.Password!, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The server is unreachable or refused us: every email of the batch may be tried again later.
            EmailLog.SmtpUnavailable(logger, o.Smtp.Host!, o.Smtp.Port, ex.GetType().Name);
            return emails.Select(e => new EmailSendResult(e.MessageId, false, Error: $"SMTP {o.Smtp.Host}:{o.Smtp.Port} unavailable ({ex.GetType().Name})")).ToList();
        }

        foreach (var email in emails)
        {
            try
            {
                await client.SendAsync(EmailComposer.Compose(email, o), ct);
                results.Add(new EmailSendResult(email.MessageId, true));
            }
            catch (SmtpCommandException ex)
            {
                // 5xx is the server's final word on this message; 4xx is "try later".
                results.Add(new EmailSendResult(email.MessageId, false, Permanent: (int)ex.StatusCode >= 500, Error: $"SMTP {(int)ex.StatusCode}: {ex.Message}"));
            }
            catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException)
            {
                results.Add(new EmailSendResult(email.MessageId, false, Error: $"SMTP connection lost ({ex.GetType().Name})"));
                foreach (var rest in emails.Skip(results.Count))
                    results.Add(new EmailSendResult(rest.MessageId, false, Error: "SMTP connection lost before sending"));
                return results;
            }
        }
        await client.DisconnectAsync(quit: true, ct);
        return results;
    }
}
