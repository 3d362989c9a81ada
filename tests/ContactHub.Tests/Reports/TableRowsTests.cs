using ClosedXML.Excel;
using ContactHub.Reports;

namespace ContactHub.Tests.Reports;

/// <summary>
/// A table sheet's rows after the first are written into the saved workbook by <see cref="TableRows"/>, not by ClosedXML: read back,
/// every row has its column's value, type, number format and alignment, as the first row (ClosedXML's own) has.
/// </summary>
public sealed class TableRowsTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static readonly ReportColumn[] Columns =
    [
        new("When", "at", ColumnFormat.Datetime), new("Day", "day", ColumnFormat.Date), new("Contact", "id", ColumnFormat.Id), new("Name", "name"),
        new("Count", "n", ColumnFormat.Integer, Total: ColumnTotal.Sum), new("Share", "share", ColumnFormat.Percent),
        new("Time", "seconds", ColumnFormat.Duration), new("Amount", "amount", ColumnFormat.Number), new("Codes", "codes", ColumnFormat.List),
    ];

    private static readonly object?[][] Rows =
    [
        ["2026-11-20 08:15:00+00:00", "2026-11-20", 1001L, "Ana", 3L, 0.5, 90L, 12.5, "a,b"],
        ["2026-11-20 09:00:00+00:00", "2026-11-21", 1002L, "=HYPERLINK(\"http://x\",\"y\")", 4L, 0.25, 3600L, 0.1, "c, ,d"],
        [null, null, null, null, null, null, null, null, null],
        ["2026-11-22 23:30:00+00:00", "2026-11-22", 1004L, " a bell \u0007 & <tags> ", 0L, 1.0, 0L, -3.0, ""],
        ["2026-11-23 00:00:00+00:00", "2026-11-23", 1005L, "-5 is text", 7L, 0.0, 59L, 1e15, "x"],
        ["2026-11-23 10:00:00+00:00", "2026-11-23", 1006L, "Zoë 🙂", 1L, 0.125, 86_400L, 2.75, "y"],
    ];

    /// <summary>A number as Excel stores it (ClosedXML reads a time-formatted number back as a date or a time).</summary>
    private static double Number(IXLCell cell) => cell.DataType switch
    {
        XLDataType.DateTime => cell.GetDateTime().ToOADate(),
        XLDataType.TimeSpan => cell.GetTimeSpan().TotalDays,
        _ => cell.GetDouble(),
    };

    private static XLWorkbook Built()
    {
        var sheet = new ReportSheet("Rows", "SELECT 1", Columns);
        var report = new ReportDefinition { Name = "rows", Title = "Rows", Sheets = [sheet] };
        var period = new ReportPeriod(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 23), Paris);
        var data = new ReportData(report, period, [], [new SheetData(sheet, Rows, false)], DateTimeOffset.UtcNow);
        return Workbooks.Open(ReportWorkbook.Build(data, null, []));
    }

    [Fact]
    public void Every_row_reads_back_with_its_columns_value_type_format_and_alignment()
    {
        using var workbook = Built();
        var ws = workbook.Worksheet("Rows");
        Assert.Equal(1 + Rows.Length, ws.Tables.Single().RangeAddress.LastAddress.RowNumber);
        for (var r = 0; r < Rows.Length; r++)
            for (var c = 0; c < Columns.Length; c++)
            {
                var cell = ws.Cell(r + 2, c + 1);
                var where = $"row {r + 1}, {Columns[c].Header}";
                switch (CellValues.Convert(Rows[r][c], Columns[c].Format, Paris))
                {
                    case null: Assert.True(cell.IsEmpty(), where); break;
                    case double d: Assert.Equal(d, Number(cell), 9); break;
                    case DateTime t: Assert.Equal(t, cell.GetDateTime()); break;
                    case var text:
                        Assert.Equal(XLDataType.Text, cell.DataType);
                        Assert.Equal(text, cell.GetString());
                        Assert.Equal(CellValues.IsFormulaLike((string)text), cell.Style.IncludeQuotePrefix);
                        Assert.False(cell.HasFormula, where);
                        break;
                }
                var first = ws.Cell(2, c + 1).Style;
                Assert.True(CellValues.ExcelFormat(Columns[c].Format) == cell.Style.NumberFormat.Format, where);
                Assert.True((first.Alignment.Horizontal, first.Alignment.Indent) == (cell.Style.Alignment.Horizontal, cell.Style.Alignment.Indent), where);
            }
        // The text after a figure starts one step in, on every row; the totals row sits under the last.
        Assert.Equal((XLAlignmentHorizontalValues.Left, 1), (ws.Cell(7, 4).Style.Alignment.Horizontal, ws.Cell(7, 4).Style.Alignment.Indent));
        Assert.Equal(15.0, ws.Cell(2 + Rows.Length, 5).GetDouble());
    }

    [Fact]
    public void A_sheet_of_one_row_is_written_by_ClosedXML_alone()
    {
        var sheet = new ReportSheet("One", "SELECT 1", Columns);
        var report = new ReportDefinition { Name = "one", Title = "One", Sheets = [sheet] };
        var data = new ReportData(report, new ReportPeriod(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), Paris), [],
            [new SheetData(sheet, [Rows[1]], false)], DateTimeOffset.UtcNow);
        using var workbook = Workbooks.Open(ReportWorkbook.Build(data, null, []));
        var ws = workbook.Worksheet("One");
        Assert.Equal("=HYPERLINK(\"http://x\",\"y\")", ws.Cell(2, 4).GetString());
        Assert.True(ws.Cell(2, 4).Style.IncludeQuotePrefix);
        Assert.Equal(4.0, ws.Cell(3, 5).GetDouble()); // the total
    }

    [Fact]
    public void Plain_text_under_a_formula_like_first_row_has_no_quote_prefix()
    {
        var sheet = new ReportSheet("Two", "SELECT 1", Columns);
        var report = new ReportDefinition { Name = "two", Title = "Two", Sheets = [sheet] };
        var data = new ReportData(report, new ReportPeriod(new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20), Paris), [],
            [new SheetData(sheet, [Rows[1], Rows[0]], false)], DateTimeOffset.UtcNow);
        using var workbook = Workbooks.Open(ReportWorkbook.Build(data, null, []));
        var ws = workbook.Worksheet("Two");
        Assert.True(ws.Cell(2, 4).Style.IncludeQuotePrefix);
        Assert.Equal("Ana", ws.Cell(3, 4).GetString());
        Assert.False(ws.Cell(3, 4).Style.IncludeQuotePrefix);
        Assert.Equal((XLAlignmentHorizontalValues.Left, 1), (ws.Cell(3, 4).Style.Alignment.Horizontal, ws.Cell(3, 4).Style.Alignment.Indent));
    }
}
