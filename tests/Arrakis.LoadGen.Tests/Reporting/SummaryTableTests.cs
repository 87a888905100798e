using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Reporting;

namespace Arrakis.LoadGen.Tests.Reporting;

public sealed class SummaryTableTests
{
    [Fact]
    public void Rates_and_latencies_come_from_counts_window_and_histogram()
    {
        var sets = new CommandStats("Sets") { Count = 300, BytesOut = 3072, BytesIn = 0 };
        var gets = new CommandStats("Gets") { Count = 900, Hits = 600, Misses = 300, BytesIn = 1024, BytesOut = 1024 };
        for (int i = 1; i <= 100; i++) sets.Record(i * 10);       // 10 us .. 1000 us
        for (int i = 0; i < 900; i++) gets.Record(2000);
        var totals = new CommandStats("Totals");
        totals.Add(sets);
        totals.Add(gets);
        var r = new RunResult { Commands = [sets, gets], Totals = totals, Seconds = 3, Problems = [] };
        Assert.Equal(100, r.OpsPerSecond(sets));
        Assert.Equal(300, r.OpsPerSecond(gets));
        Assert.Equal(200, r.PerSecond(gets.Hits));
        Assert.Equal(1.0, r.KbPerSecond(sets), 3);
        Assert.InRange(RunResult.PercentileMs(sets, 50), 0.499, 0.501);
        Assert.InRange(RunResult.AverageMs(sets), 0.504, 0.506);
        Assert.InRange(RunResult.MaxMs(totals), 1.999, 2.001);
        var table = SummaryTable.Render(r, [50, 99]);
        Assert.Contains("p50 Latency", table);
        var setsRow = table.Split('\n').Single(l => l.StartsWith("Sets", StringComparison.Ordinal));
        Assert.Contains("100.00", setsRow);
        Assert.Contains("---", setsRow);
        Assert.Contains("400.00", table.Split('\n').Single(l => l.StartsWith("Totals", StringComparison.Ordinal)));
    }
}
