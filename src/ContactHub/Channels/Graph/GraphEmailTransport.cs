using ContactHub.Channels.Email;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.SendMail;

namespace ContactHub.Channels.Graph;

/// <summary>
/// Sends through Exchange Online: users/{Graph:SendAs}/sendMail. Graph assigns its own Message-ID
/// (custom headers must start with x-), so ours travels as x-contacthub-message-id.
/// </summary>
public sealed class GraphEmailTransport(GraphClient graph, IOptions<GraphOptions> options) : IEmailTransport
{
    public async Task<IReadOnlyList<EmailSendResult>> SendAsync(IReadOnlyList<OutgoingEmail> emails, CancellationToken ct = default)
    {
        var results = new List<EmailSendResult>(emails.Count);
        foreach (var email in emails)
        {
            var message = new Message
            {
                Subject = email.Subject,
                Body = new ItemBody { ContentType = email.HtmlBody is null ? BodyType.Text : BodyType.Html, Content = email.HtmlBody ?? email.TextBody },
                ToRecipients = [new Recipient { EmailAddress = new EmailAddress { Address = email.To, Name = email.ToName } }],
                InternetMessageHeaders = [new InternetMessageHeader { Name = "x-contacthub-message-id", Value = email.MessageId }],
                Attachments = email.Attachments?.Select(a => (Attachment)new FileAttachment
                {
                    OdataType = "#microsoft.graph.fileAttachment", Name = a.FileName, ContentType = a.ContentType, ContentBytes = a.Content,
                    IsInline = a.ContentId is not null, ContentId = a.ContentId,
                }).ToList(),
            };
            try
            {
                await graph.Service.Users[options.Value.SendAs].SendMail.PostAsync(new SendMailPostRequestBody { Message = message, SaveToSentItems = true }, cancellationToken: ct);
                results.Add(new EmailSendResult(email.MessageId, true));
            }
            catch (ODataError error)
            {
                var status = error.ResponseStatusCode;
                results.Add(new EmailSendResult(email.MessageId, false, Permanent: status is >= 400 and < 500 and not 429 and not 408,
                    Error: $"Graph {status} {error.Error?.Code}: {error.Error?.Message}"));
            }
            catch (HttpRequestException ex)
            {
                results.Add(new EmailSendResult(email.MessageId, false, Error: $"Graph unreachable ({ex.HttpRequestError})"));
            }
        }
        return results;
    }
}
