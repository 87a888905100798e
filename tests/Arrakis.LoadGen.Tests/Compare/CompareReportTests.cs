using Arrakis.LoadGen.Compare;

namespace Arrakis.LoadGen.Tests.Compare;

/// <summary>The compare report counts, round by round, how often the first target's tail was at or below each
/// other's, beside the medians (which hide whether a difference holds in most rounds or in a few).</summary>
public sealed class CompareReportTests
{
    [Fact]
    public void Rounds_are_paired_in_order_and_ties_count_as_at_or_below()
    {
        Assert.Equal("2 of 3", CompareRunner.AtOrBelow([1.0, 2.0, 3.0], [1.0, 1.5, 3.5]));
        Assert.Equal("0 of 2", CompareRunner.AtOrBelow([5.0, 6.0], [4.0, 5.0, 1.0]));
        Assert.Equal("0 of 0", CompareRunner.AtOrBelow([], [1.0]));
    }

    [Fact]
    public void The_markdown_table_says_the_paired_counts_for_every_other_target()
    {
        var a = new TargetSummary(CompareTarget.Parse("arrakis=127.0.0.1:1"));
        var b = new TargetSummary(CompareTarget.Parse("redis=127.0.0.1:2"));
        foreach (var (s, p99, p999, p9999) in new[] { (a, 1.0, 2.0, 5.0), (b, 1.1, 1.9, 6.0), (a, 1.2, 2.5, 7.0), (b, 1.0, 2.6, 6.5) })
        {
            s.OpsPerSecond.Add(1000);
            s.P50.Add(0.5);
            s.P99.Add(p99);
            s.P999.Add(p999);
            s.P9999.Add(p9999);
        }
        string md = CompareRunner.Markdown([a, b], "t", 2);
        Assert.Contains("arrakis at or below redis, round by round: p99 1 of 2, p99.9 1 of 2, p99.99 1 of 2.", md);
    }
}
