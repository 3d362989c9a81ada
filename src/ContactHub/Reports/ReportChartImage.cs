namespace ContactHub.Reports;

/// <summary>The report's chart as a PNG (ScottPlot on SkiaSharp: no system graphics libraries needed).</summary>
public static class ReportChartImage
{
    /// <summary>Every chart with data to show, in the definition's order.</summary>
    public static IReadOnlyList<byte[]> RenderAll(ReportData data) =>
        data.Report.AllCharts.Select(c => Render(data, c)).OfType<byte[]>().ToList();

    /// <summary>Bars a chart can show readably: a category chart shows the largest and sums the rest as one bar.</summary>
    public const int MaxCategories = 12;

    /// <summary>Days a chart shows one bar each; a longer period shows a bar per month.</summary>
    public const int MaxDays = 62;

    public static byte[]? Render(ReportData data, ReportChart chart, int width = 640, int height = 320)
    {
        if (Points(data, chart) is not { Count: > 0 } points) return null;
        var columns = data.Sheets.First(s => s.Sheet.Name == chart.Sheet).Sheet.Columns;
        var y = columns.First(c => c.Field == chart.Y);
        var plot = new ScottPlot.Plot();
        var bars = plot.Add.Bars(points.Select(p => p.Value).ToArray());
        bars.Color = ScottPlot.Color.FromHex("#4472C4");
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray(), points.Select(p => p.Label).ToArray());
        if (points.Count > 8) plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = points.Count > 8 ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.UpperCenter;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.Bottom.MinimumSize = points.Count > 8 ? 60 : 30; // room for the rotated labels
        plot.Title(chart.Title);
        plot.YLabel(y.Header);
        // Counts have whole ticks: no "0.5 interactions".
        if (y.Format is ColumnFormat.Integer or ColumnFormat.Id)
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    /// <summary>
    /// The bars: the sum of y for each value of x. Days are the period's, in order, by month past <see cref="MaxDays"/> (a
    /// quarter's daily chart stopped at its 62nd day); categories go largest first, the largest <see cref="MaxCategories"/> − 1 and
    /// the rest as one bar (a month's channel combinations drew a hundred bars no one could label, and the cut was taken
    /// before sorting, so a large category past the 62nd row was left out).
    /// </summary>
    public static IReadOnlyList<(string Label, double Value)> Points(ReportData data, ReportChart chart)
    {
        var sheet = data.Sheets.FirstOrDefault(s => s.Sheet.Name == chart.Sheet);
        if (sheet is null || sheet.Rows.Count == 0) return [];
        var columns = sheet.Sheet.Columns.ToList();
        int x = columns.FindIndex(c => c.Field == chart.X), y = columns.FindIndex(c => c.Field == chart.Y);
        var zone = data.Period.TimeZone;
        double Value(object?[] row) => CellValues.Convert(row[y], ColumnFormat.Number, zone) as double? ?? 0;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;

        if (columns[x].Format == ColumnFormat.Date)
        {
            // Every day (or month) of the period has its bar, 0 on a day without activity: a closed Sunday or a quiet last day
            // left out of the axis read as a gap no one could see, or as a report cut short.
            var period = data.Period;
            var byMonth = period.DayCount > MaxDays;
            DateTime Bar(DateTime day) => byMonth ? new DateTime(day.Year, day.Month, 1) : day.Date;
            var sums = period.Days().Select(d => Bar(d.Day.ToDateTime(TimeOnly.MinValue))).Distinct().ToDictionary(b => b, _ => 0.0);
            foreach (var row in sheet.Rows)
                if (CellValues.Convert(row[x], ColumnFormat.Date, zone) is DateTime day && sums.ContainsKey(Bar(day)))
                    sums[Bar(day)] += Value(row);
            return sums.OrderBy(b => b.Key).Select(b => (b.Key.ToString(byMonth ? "MMM yyyy" : "d MMM", invariant), b.Value)).ToList();
        }
        var categories = sheet.Rows
            .GroupBy(r => CellValues.Display(r[x], columns[x].Format, zone))
            .Select(g => (Label: g.Key, Value: g.Sum(Value)))
            .OrderByDescending(p => p.Value)
            .ToList();
        if (categories.Count <= MaxCategories) return categories;
        var rest = categories.Skip(MaxCategories - 1).ToList();
        return [.. categories.Take(MaxCategories - 1), ($"{rest.Count} others", rest.Sum(p => p.Value))];
    }
}
