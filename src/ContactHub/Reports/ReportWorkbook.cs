using ClosedXML.Excel;

namespace ContactHub.Reports;

/// <summary>
/// The .xlsx of one report run (ClosedXML 0.95.4): a Summary sheet (headline figures and the chart),
/// one Excel table per sheet (styled header, autofilter, frozen header row, formats, totals row),
/// and an About sheet (parameters and metric definitions). Column widths are computed here:
/// AdjustToContents needs libgdiplus, which servers do not have.
/// </summary>
public static class ReportWorkbook
{
    private const int WidthSample = 2_000;

    public static byte[] Build(ReportData data, string? exportLink, IReadOnlyList<byte[]> charts)
    {
        var zone = data.Period.TimeZone;
        using var workbook = new XLWorkbook();
        Summary(workbook.AddWorksheet("Summary"), data);
        var rest = new List<TableRows.Pending>();
        foreach (var sheet in data.Sheets)
            if (Table(workbook.AddWorksheet(sheet.Sheet.Name), sheet, zone, exportLink)) rest.Add(new(sheet.Sheet.Name, sheet.Sheet.Columns, sheet.Rows.Skip(1), zone));
        About(workbook.AddWorksheet("About"), data);
        workbook.Worksheet(1).SetTabActive();

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        TableRows.Write(stream, rest);
        PrintTitles.MakeAbsolute(stream);
        var compared = data.PreviousHeadlines.Count == data.Headlines.Count && data.Headlines.Count > 0;
        // Below the headline figures (zero-based row: a blank row after them), one under the other.
        var top = 5 + data.Headlines.Count + (data.IsEmpty ? 1 : 0) + (compared ? 1 : 0);
        for (var n = 0; n < charts.Count; n++)
            WorkbookImage.Embed(stream, "Summary", charts[n], column: 0, row: top + n * 17, width: 640, height: 320);
        return stream.ToArray();
    }

    private static void Summary(IXLWorksheet ws, ReportData data)
    {
        ws.Cell(1, 1).SetValue(data.Report.Title).Style.Font.SetBold().Font.SetFontSize(16);
        ws.Cell(2, 1).SetValue($"{data.Period.Label} ({data.Period.TimeZone.Id})" + (data.Scope is { } scope ? $" · {scope.Label}" : "")).Style.Font.SetFontColor(XLColor.Gray);
        var row = 4;
        if (data.IsEmpty)
            ws.Cell(row++, 1).SetValue("No activity in this period.").Style.Font.SetItalic();
        var compared = data.PreviousHeadlines.Count == data.Headlines.Count && data.Headlines.Count > 0;
        if (compared)
        {
            // Values, not formulas: the change must read the same in a mail preview, LibreOffice and Numbers.
            string[] headers = ["", "This period", $"Previous ({data.Period.Previous().Label})", "Change", "Change %"];
            for (var c = 0; c < headers.Length; c++) ws.Cell(row, c + 1).SetValue(headers[c]);
            var head = ws.Range(row, 1, row, headers.Length).Style;
            head.Font.SetBold().Font.SetFontColor(XLColor.Gray);
            head.Border.SetBottomBorder(XLBorderStyleValues.Thin);
            ws.Range(row, 2, row, headers.Length).Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right); // over the figures
            row++;
        }
        for (var n = 0; n < data.Headlines.Count; n++)
        {
            var (column, value) = data.Headlines[n];
            ws.Cell(row, 1).SetValue(column.Header).Style.Font.SetBold();
            Write(ws.Cell(row, 2), value, column.Format, data.Period.TimeZone);
            ws.Cell(row, 2).Style.Font.SetFontSize(13).Font.SetBold();
            if (compared)
            {
                var previous = data.PreviousHeadlines[n];
                var comparison = Comparison.Of(column, value, previous, data.Period.TimeZone);
                Write(ws.Cell(row, 3), previous, column.Format, data.Period.TimeZone);
                if (comparison.Change is { } change)
                {
                    // A duration's change is a duration (in days, as Excel keeps time); the sign is in the format, not a negative time.
                    var cell = ws.Cell(row, 4).SetValue(change);
                    cell.Style.NumberFormat.Format = column.Format == ColumnFormat.Duration ? "+[h]:mm:ss;-[h]:mm:ss;0"
                        : column.Format == ColumnFormat.Percent ? "+0.0%;-0.0%;0" : "+#,##0.##;-#,##0.##;0";
                }
                var percent = ws.Cell(row, 5).SetValue(comparison.Text);
                percent.Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right);
                var colour = comparison.Good switch { true => XLColor.FromHtml("#067647"), false => XLColor.FromHtml("#B42318"), null => XLColor.Gray };
                ws.Range(row, 4, row, 5).Style.Font.SetFontColor(colour).Font.SetBold(comparison.Good is not null);
            }
            row++;
        }
        ws.Column(1).Width = Math.Max(28, data.Headlines.Select(h => h.Column.Header.Length + 2).DefaultIfEmpty(0).Max());
        ws.Column(2).Width = 16;
        if (compared)
        {
            ws.Column(3).Width = Math.Max(16, data.Period.Previous().Label.Length + 12);
            ws.Column(4).Width = 14;
            ws.Column(5).Width = 12;
        }
        ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        ws.PageSetup.FitToPages(1, 1);
    }

    /// <summary>Lays out a table sheet with its first data row; true when the rows after it are left to <see cref="TableRows"/>.</summary>
    private static bool Table(IXLWorksheet ws, SheetData sheet, TimeZoneInfo zone, string? exportLink)
    {
        var columns = sheet.Sheet.Columns;
        for (var c = 0; c < columns.Count; c++)
            ws.Cell(1, c + 1).SetValue(columns[c].Header);
        HeaderStyle(ws, columns);
        if (sheet.OverLimit || sheet.Rows.Count == 0)
        {
            var note = ws.Cell(2, 1).SetValue(sheet.OverLimit
                ? $"This period has more rows than a workbook carries (Reports:MaxDetailRows). Download them all from {exportLink}"
                : "No rows for this period.");
            note.Style.Font.SetItalic();
            if (sheet.OverLimit && exportLink is not null && Uri.TryCreate(exportLink, UriKind.Absolute, out var link)) note.Hyperlink = new XLHyperlink(link);
            Widths(ws, sheet, zone);
            PrintSetup(ws, sheet); // an empty sheet too prints one page wide (it printed its last headers on a page of their own)
            return false;
        }
        // The first data row only: TableRows writes the others after the save, styled as this one.
        for (var c = 0; c < columns.Count; c++)
        {
            var cell = ws.Cell(2, c + 1);
            Write(cell, sheet.Rows[0][c], columns[c].Format, zone, styled: false);
            cell.Style.NumberFormat.Format = CellValues.ExcelFormat(columns[c].Format);
        }
        // Text right after a right-aligned figure or date would touch it ("2026-11-20call"): it starts one step in.
        for (var c = 1; c < columns.Count; c++)
            if (IsText(columns[c]) && !IsText(columns[c - 1]))
                ws.Range(1, c + 1, 2, c + 1).Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Left).Alignment.SetIndent(1);

        var table = ws.Range(1, 1, sheet.Rows.Count + 1, columns.Count).CreateTable(TableName(sheet.Sheet.Name));
        table.Theme = XLTableTheme.TableStyleMedium2;
        table.ShowAutoFilter = true;
        if (columns.Any(c => c.Total is not (ColumnTotal.None or ColumnTotal.Label))) Totals(ws, sheet, zone, sheet.Rows.Count + 2);
        if (sheet.Sheet.HeatMap) HeatMap(ws, sheet);
        ws.SheetView.FreezeRows(1);
        Widths(ws, sheet, zone);
        PrintSetup(ws, sheet);
        return sheet.Rows.Count > 1;
    }

    /// <summary>
    /// The totals under the table as values, not formulas: a table's SUBTOTAL formulas have no cached value (mail previews
    /// and phones show nothing) and LibreOffice reads the unqualified structured references as #NAME?.
    /// </summary>
    private static void Totals(IXLWorksheet ws, SheetData sheet, TimeZoneInfo zone, int row)
    {
        var columns = sheet.Sheet.Columns;
        for (var c = 0; c < columns.Count; c++)
        {
            var numbers = columns[c].Total is ColumnTotal.Sum or ColumnTotal.Average
                ? sheet.Rows.Select(r => CellValues.Convert(r[c], columns[c].Format, zone)).OfType<double>().ToList()
                : [];
            var cell = ws.Cell(row, c + 1);
            switch (columns[c].Total)
            {
                case ColumnTotal.Label: cell.SetValue("Total"); break;
                case ColumnTotal.Sum: cell.SetValue(numbers.Sum()); cell.Style.NumberFormat.Format = CellValues.ExcelFormat(columns[c].Format); break;
                case ColumnTotal.Average when numbers.Count > 0: cell.SetValue(numbers.Average()); cell.Style.NumberFormat.Format = CellValues.ExcelFormat(columns[c].Format); break;
                case ColumnTotal.Count: cell.SetValue(sheet.Rows.Count(r => r[c] is not (null or DBNull))); cell.Style.NumberFormat.Format = "#,##0"; break;
            }
        }
        var totals = ws.Range(row, 1, row, columns.Count).Style;
        totals.Font.SetBold();
        totals.Border.SetTopBorder(XLBorderStyleValues.Double);
    }

    /// <summary>A white-to-red colour scale over the integer columns but the last (a total would flatten the rest).</summary>
    private static void HeatMap(IXLWorksheet ws, SheetData sheet)
    {
        var numeric = sheet.Sheet.Columns.Select((c, i) => (c, i)).Where(x => x.c.Format == ColumnFormat.Integer).Select(x => x.i + 1).ToList();
        if (numeric.Count < 2) return;
        ws.Range(2, numeric.First(), sheet.Rows.Count + 1, numeric[^2]).AddConditionalFormat().ColorScale()
            .LowestValue(XLColor.FromHtml("#FFFFFF")).Midpoint(XLCFContentType.Percent, 50, XLColor.FromHtml("#FEC84B")).HighestValue(XLColor.FromHtml("#D92D20"));
    }

    /// <summary>Printed as managers expect: as wide as the page (landscape when wide), the header row on every page.</summary>
    private static void PrintSetup(IXLWorksheet ws, SheetData sheet)
    {
        var width = Enumerable.Range(1, sheet.Sheet.Columns.Count).Sum(c => ws.Column(c).Width);
        ws.PageSetup.PageOrientation = width > 90 ? XLPageOrientation.Landscape : XLPageOrientation.Portrait;
        ws.PageSetup.FitToPages(1, 0); // one page wide, as many pages long as needed
        ws.PageSetup.SetRowsToRepeatAtTop(1, 1);
        ws.PageSetup.Margins.SetLeft(0.4).SetRight(0.4);
    }

    private static void About(IXLWorksheet ws, ReportData data)
    {
        var zone = data.Period.TimeZone;
        (string, object)[] facts =
        [
            ("Report", data.Report.Name),
            ("Title", data.Report.Title),
            ("Description", data.Report.Description),
            ("Period", data.Period.Label),
            ("From (local)", TimeZoneInfo.ConvertTime(data.Period.From, zone).DateTime),
            ("To (local, exclusive)", TimeZoneInfo.ConvertTime(data.Period.To, zone).DateTime),
            ("Time zone", zone.Id),
            ("Covers", data.Scope is { } scope ? $"{scope.Label} (sheets computed for the whole centre are left out)" : "the whole centre"),
            ("Generated at (local)", TimeZoneInfo.ConvertTime(data.GeneratedAt, zone).DateTime),
            .. data.Sheets.Select(s => ($"Rows in {s.Sheet.Name}", (object)(s.OverLimit ? "over the limit: see the streamed export" : s.Rows.Count))),
        ];
        ws.Cell(1, 1).SetValue("About this report").Style.Font.SetBold().Font.SetFontSize(14);
        var row = 3;
        foreach (var (label, value) in facts)
        {
            ws.Cell(row, 1).SetValue(label).Style.Font.SetBold();
            var cell = ws.Cell(row, 2);
            switch (value)
            {
                case DateTime t: cell.SetValue(t); cell.Style.NumberFormat.Format = "yyyy-mm-dd hh:mm:ss"; cell.Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Left); break;
                case int n: cell.SetValue(n); cell.Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Left); break;
                default: WriteText(cell, value.ToString() ?? ""); break;
            }
            row++;
        }
        if (data.Report.Definitions.Count > 0)
        {
            row++;
            ws.Cell(row++, 1).SetValue("Metric definitions").Style.Font.SetBold().Font.SetFontSize(12);
            foreach (var (term, meaning) in data.Report.Definitions)
            {
                ws.Cell(row, 1).SetValue(term).Style.Font.SetBold();
                WriteText(ws.Cell(row, 2), meaning);
                ws.Cell(row, 2).Style.Alignment.SetWrapText();
                row++;
            }
        }
        ws.Column(1).Width = 28;
        ws.Column(2).Width = 90;
    }

    private static void Write(IXLCell cell, object? raw, ColumnFormat format, TimeZoneInfo zone, bool styled = true)
    {
        switch (CellValues.Convert(raw, format, zone))
        {
            case null: break;
            case double d: cell.SetValue(d); if (styled) cell.Style.NumberFormat.Format = CellValues.ExcelFormat(format); break;
            case DateTime t: cell.SetValue(t); if (styled) cell.Style.NumberFormat.Format = CellValues.ExcelFormat(format); break;
            case var other: WriteText(cell, other.ToString() ?? ""); break;
        }
    }

    /// <summary>Always a text cell; formula-like text also gets Excel's quote prefix, so that editing the cell cannot turn it into a formula.</summary>
    private static void WriteText(IXLCell cell, string text)
    {
        cell.SetValue(text);
        cell.DataType = XLDataType.Text;
        if (CellValues.IsFormulaLike(text)) cell.Style.IncludeQuotePrefix = true;
    }

    /// <summary>
    /// The header row styled on its cells, not only by the table's theme, which LibreOffice, mail previews and phones do not
    /// draw; a figure's header sits right, over its right-aligned figures.
    /// </summary>
    private static void HeaderStyle(IXLWorksheet ws, IReadOnlyList<ReportColumn> columns)
    {
        ws.Range(1, 1, 1, columns.Count).Style.Font.SetBold().Font.SetFontColor(XLColor.White).Fill.SetBackgroundColor(XLColor.FromHtml("#4472C4"));
        for (var c = 0; c < columns.Count; c++)
            if (!IsText(columns[c]))
                ws.Cell(1, c + 1).Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right);
    }

    private static bool IsText(ReportColumn column) => column.Format is ColumnFormat.Text or ColumnFormat.List;

    /// <summary>The definition's width (at least the header's), else the longest of the header and a sample of displayed values, within 8 to 60 characters.</summary>
    private static void Widths(IXLWorksheet ws, SheetData sheet, TimeZoneInfo zone)
    {
        var columns = sheet.Sheet.Columns;
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            // A defined width still shows the whole header ("Average handling time" at its width of 14 lost its first letters).
            double width = column.Width is { } defined ? Math.Max(defined, column.Header.Length + 2) : Math.Clamp(
                Math.Max(column.Header.Length + 4, sheet.Rows.Take(WidthSample).Select(r => CellValues.Display(r[c], column.Format, zone).Length).DefaultIfEmpty(0).Max() + 2),
                8, 60);
            ws.Column(c + 1).Width = width;
        }
    }

    private static string TableName(string sheet) =>
        "t_" + new string(sheet.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());
}
