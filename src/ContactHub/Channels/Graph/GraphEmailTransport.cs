using System.Text;
using ContactHub.Channels.Email;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace ContactHub.Channels.Graph;

/// <summary>
/// Sends through Exchange Online: users/{Graph:SendAs}/sendMail in MIME format — the message MimeKit composes for SMTP,
/// base64-encoded as Graph asks for it. Our Message-ID, In-Reply-To and References travel as they are: a customer's reply
/// names our Message-ID (and threads back to its conversation), and the customer's mail client threads our replies. The JSON
/// form of sendMail takes only x- headers, so Exchange gave each email a Message-ID of its own, which no reply could match.
/// </summary>
public sealed class GraphEmailTransport(GraphClient graph, IOptions<GraphOptions> options, IOptions<EmailOptions> email) : IEmailTransport
{
    private static readonly Dictionary<string, ParsableFactory<IParsable>> Errors = new() { ["XXX"] = ODataError.CreateFromDiscriminatorValue };

    public async Task<IReadOnlyList<EmailSendResult>> SendAsync(IReadOnlyList<OutgoingEmail> emails, CancellationToken ct = default)
    {
        var results = new List<EmailSendResult>(emails.Count);
        var url = new Uri($"{options.Value.BaseUrl.TrimEnd('/')}/users/{Uri.EscapeDataString(options.Value.SendAs!)}/sendMail");
        foreach (var outgoing in emails)
        {
            using var mime = new MemoryStream();
            await EmailComposer.Compose(outgoing, email.Value).WriteToAsync(mime, ct);
            var request = new RequestInformation { HttpMethod = Method.POST, URI = url };
            request.SetStreamContent(new MemoryStream(Encoding.ASCII.GetBytes(Convert.ToBase64String(mime.GetBuffer(), 0, (int)mime.Length))), "text/plain");
            try
            {
                await graph.Service.RequestAdapter.SendNoContentAsync(request, Errors, ct);
                results.Add(new EmailSendResult(outgoing.MessageId, true));
            }
            catch (ODataError error)
            {
                var status = error.ResponseStatusCode;
                results.Add(new EmailSendResult(outgoing.MessageId, false, Permanent: status is >= 400 and < 500 and not 429 and not 408,
                    Error: $"Graph {status} {error.Error?.Code}: {error.Error?.Message}"));
            }
            catch (HttpRequestException ex)
            {
                results.Add(new EmailSendResult(outgoing.MessageId, false, Error: $"Graph unreachable ({ex.HttpRequestError})"));
            }
        }
        return results;
    }
}
