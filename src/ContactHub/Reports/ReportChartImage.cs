namespace ContactHub.Reports;

/// <summary>The report's chart as a PNG (ScottPlot on SkiaSharp: no system graphics libraries needed).</summary>
public static class ReportChartImage
{
    /// <summary>Every chart with data to show, in the definition's order.</summary>
    public static IReadOnlyList<byte[]> RenderAll(ReportData data) =>
        data.Report.AllCharts.Select(c => Render(data, c)).OfType<byte[]>().ToList();

    public static byte[]? Render(ReportData data, ReportChart chart, int width = 640, int height = 320)
    {
        var sheet = data.Sheets.FirstOrDefault(s => s.Sheet.Name == chart.Sheet);
        if (sheet is null || sheet.Rows.Count == 0) return null;
        var columns = sheet.Sheet.Columns;
        int x = columns.ToList().FindIndex(c => c.Field == chart.X), y = columns.ToList().FindIndex(c => c.Field == chart.Y);
        var zone = data.Period.TimeZone;
        var points = sheet.Rows
            .GroupBy(r => columns[x].Format == ColumnFormat.Date && CellValues.Convert(r[x], ColumnFormat.Date, zone) is DateTime day
                ? day.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture)
                : CellValues.Display(r[x], columns[x].Format, zone))
            .Select(g => (Label: g.Key, Value: g.Sum(r => CellValues.Convert(r[y], ColumnFormat.Number, zone) as double? ?? 0)))
            .Take(62)
            .ToList();
        // Categories (channels, agents) read best largest first; days keep their order.
        if (columns[x].Format != ColumnFormat.Date) points = points.OrderByDescending(p => p.Value).ToList();

        var plot = new ScottPlot.Plot();
        var bars = plot.Add.Bars(points.Select(p => p.Value).ToArray());
        bars.Color = ScottPlot.Color.FromHex("#4472C4");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray(), points.Select(p => p.Label).ToArray());
        if (points.Count > 8) plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = points.Count > 8 ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.UpperCenter;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.Bottom.MinimumSize = points.Count > 8 ? 60 : 30; // room for the rotated labels
        plot.Title(chart.Title);
        plot.YLabel(columns[y].Header);
        // Counts have whole ticks: no "0.5 interactions".
        if (columns[y].Format is ColumnFormat.Integer or ColumnFormat.Id)
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }
}
