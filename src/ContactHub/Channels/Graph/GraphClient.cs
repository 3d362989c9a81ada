using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ContactHub.Channels.Graph;

/// <summary>
/// The Graph SDK's client, built the first time a mailbox, a Teams call list, a SharePoint folder or a sendMail needs it. The
/// SDK is 47 MB of generated request builders: built at start-up (a report destination asks for it), it cost every service
/// ~10 MiB of resident memory whether Graph was configured or not (docs/BENCHMARKS.md, the export's memory).
/// </summary>
public sealed class GraphClient(IHttpClientFactory http, GraphTokenProvider tokens, IOptions<GraphOptions> options)
{
    private readonly Lock _build = new();
    private GraphServiceClient? _client;

    public GraphServiceClient Service
    {
        get
        {
            if (_client is { } built) return built;
            lock (_build) return _client ??= new GraphServiceClient(http.CreateClient("graph"), new BaseBearerTokenAuthenticationProvider(tokens), options.Value.BaseUrl);
        }
    }
}
