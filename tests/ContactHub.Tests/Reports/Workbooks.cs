using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ContactHub.Tests.Reports;

/// <summary>
/// Reading generated workbooks back. ClosedXML 0.95.4 measures pictures with System.Drawing (libgdiplus) when it
/// loads them, so the chart is checked with the Open XML SDK and removed before ClosedXML reads the rest.
/// </summary>
public static class Workbooks
{
    public static XLWorkbook Open(byte[] xlsx, out byte[]? summaryPng)
    {
        var stream = new MemoryStream();
        stream.Write(xlsx);
        summaryPng = null;
        using (var document = SpreadsheetDocument.Open(stream, isEditable: true))
        {
            var workbook = document.WorkbookPart!;
            foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
            {
                var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
                if (part.DrawingsPart is not { } drawings) continue;
                if (sheet.Name == "Summary" && drawings.ImageParts.FirstOrDefault() is { } image)
                {
                    using var png = new MemoryStream();
                    using (var data = image.GetStream(FileMode.Open, FileAccess.Read)) data.CopyTo(png);
                    summaryPng = png.ToArray();
                }
                part.Worksheet.RemoveAllChildren<Drawing>();
                part.DeletePart(drawings);
                part.Worksheet.Save();
            }
        }
        stream.Position = 0;
        return new XLWorkbook(stream);
    }

    public static XLWorkbook Open(byte[] xlsx) => Open(xlsx, out _);
}
