using Arrakis.LoadGen.Compare;

namespace Arrakis.LoadGen.Reporting;

/// <summary>PNG charts of a comparison: median throughput bars, and latency by percentile.</summary>
internal static class Charts
{
    private static readonly double[] Percentiles = [50, 75, 90, 95, 99, 99.5, 99.9, 99.99];

    public static void Write(string dir, string title, List<TargetSummary> summaries)
    {
        var bars = new ScottPlot.Plot();
        double[] values = summaries.Select(s => TargetSummary.Median(s.OpsPerSecond)).ToArray();
        var barPlot = bars.Add.Bars(values);
        for (int i = 0; i < barPlot.Bars.Count; i++) barPlot.Bars[i].Label = values[i].ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        barPlot.ValueLabelStyle.FontSize = 14;
        bars.Axes.Bottom.SetTicks(Enumerable.Range(0, summaries.Count).Select(i => (double)i).ToArray(), summaries.Select(s => s.Target.Name).ToArray());
        bars.Axes.Margins(bottom: 0, top: 0.2);
        bars.Title("Throughput (median ops/s)\n" + title);
        bars.YLabel("ops/s");
        bars.SavePng(Path.Combine(dir, "throughput.png"), 900, 500);

        var curve = new ScottPlot.Plot();
        double[] xs = Percentiles.Select(p => -Math.Log10(1 - p / 100)).ToArray();
        foreach (var s in summaries)
        {
            if (s.Latency.TotalCount == 0) continue;
            double[] ys = Percentiles.Select(p => s.Latency.GetValueAtPercentile(p) / 1000.0).ToArray();
            var line = curve.Add.Scatter(xs, ys);
            line.LegendText = s.Target.Name;
        }
        curve.Axes.Bottom.SetTicks(xs, Percentiles.Select(p => "p" + p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        curve.Title("Latency by percentile (all rounds)\n" + title);
        curve.YLabel("ms");
        curve.ShowLegend();
        curve.SavePng(Path.Combine(dir, "latency.png"), 900, 500);
    }
}
