using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace ContactHub.Reports;

/// <summary>
/// Places a PNG on a worksheet of a saved workbook with the Open XML SDK. ClosedXML 0.95.4's
/// AddPicture measures images with System.Drawing (libgdiplus), which a Linux server does not have.
/// </summary>
public static class WorkbookImage
{
    private const long EmuPerPixel = 9525;

    public static void Embed(Stream workbook, string sheetName, byte[] png, int column, int row, int width, int height)
    {
        workbook.Position = 0;
        using var document = SpreadsheetDocument.Open(workbook, isEditable: true);
        var workbookPart = document.WorkbookPart!;
        var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().First(s => s.Name == sheetName);
        var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);

        var drawingsPart = worksheetPart.DrawingsPart ?? worksheetPart.AddNewPart<DrawingsPart>();
        drawingsPart.WorksheetDrawing ??= new Xdr.WorksheetDrawing();
        if (!worksheetPart.Worksheet.Elements<Drawing>().Any())
        {
            var drawing = new Drawing { Id = worksheetPart.GetIdOfPart(drawingsPart) };
            // Schema order: <drawing> comes before these, or Excel calls the file damaged.
            var next = worksheetPart.Worksheet.ChildElements.FirstOrDefault(e => e is LegacyDrawing or LegacyDrawingHeaderFooter or Picture
                or OleObjects or Controls or WebPublishItems or TableParts or WorksheetExtensionList);
            if (next is null) worksheetPart.Worksheet.Append(drawing);
            else worksheetPart.Worksheet.InsertBefore(drawing, next);
        }

        var imagePart = drawingsPart.AddImagePart(ImagePartType.Png);
        using (var data = new MemoryStream(png)) imagePart.FeedData(data);
        var id = (uint)drawingsPart.WorksheetDrawing.ChildElements.Count + 2;
        long cx = width * EmuPerPixel, cy = height * EmuPerPixel;
        drawingsPart.WorksheetDrawing.Append(new Xdr.OneCellAnchor(
            new Xdr.FromMarker(new Xdr.ColumnId(column.ToString()), new Xdr.ColumnOffset("0"), new Xdr.RowId(row.ToString()), new Xdr.RowOffset("0")),
            new Xdr.Extent { Cx = cx, Cy = cy },
            new Xdr.Picture(
                new Xdr.NonVisualPictureProperties(
                    new Xdr.NonVisualDrawingProperties { Id = id, Name = $"Chart {id}" },
                    new Xdr.NonVisualPictureDrawingProperties(new A.PictureLocks { NoChangeAspect = true })),
                new Xdr.BlipFill(new A.Blip { Embed = drawingsPart.GetIdOfPart(imagePart) }, new A.Stretch(new A.FillRectangle())),
                new Xdr.ShapeProperties(
                    new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                    new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })),
            new Xdr.ClientData()));
        drawingsPart.WorksheetDrawing.Save();
        worksheetPart.Worksheet.Save();
    }
}
