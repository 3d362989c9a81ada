using ContactHub.Reports;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;

namespace ContactHub.Channels.Graph;

/// <summary>
/// A report's workbook uploaded to a SharePoint document library or OneDrive folder through the Graph app (PUT
/// /drives/{drive}/root:/{folder}/{file}:/content): one file per report and period, so a re-run of the same period adds a
/// version rather than a second file. Needs Files.ReadWrite.All (or Sites.Selected on that site) as an application permission.
/// </summary>
public sealed class SharePointDestination(GraphClient graph, IOptions<GraphOptions> options) : IReportDestination
{
    public ReportDestinationType Type => ReportDestinationType.SharePoint;

    public async Task<DestinationResult> DeliverAsync(ReportDestinationOptions destination, ReportData data, string fileName, byte[] workbook, string link, CancellationToken ct)
    {
        if (!options.Value.Enabled)
            return new DestinationResult(false, Error: "SharePoint needs the Graph app: set Graph:TenantId, Graph:ClientId and Graph:ClientSecret.", Permanent: true);
        var path = $"{destination.Folder.Trim('/')}/{fileName}";
        using var stream = new MemoryStream(workbook);
        try
        {
            var item = await graph.Service.Drives[destination.DriveId].Items["root"].ItemWithPath(path).Content.PutAsync(stream, cancellationToken: ct);
            return new DestinationResult(true, item?.WebUrl ?? path);
        }
        catch (ODataError e)
        {
            var transient = e.ResponseStatusCode is 429 or 408 or >= 500;
            return new DestinationResult(false, Error: $"SharePoint answered {e.ResponseStatusCode}: {e.Error?.Code}", Permanent: !transient);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new DestinationResult(false, Error: $"SharePoint could not be reached ({e.GetType().Name})");
        }
    }
}
