using System.Text;
using Arrakis.Server.Commands;
using Arrakis.Server.Commands.Keys;
using Arrakis.Server.Commands.SortedSets;

namespace Arrakis.Server.Tests.Commands.Keys;

/// <summary>The pieces SORT is built from: Redis's partial quicksort, strtod as SORT checks weights, the sorted-set conversion.</summary>
public sealed class SortPartsTests
{
    /// <summary>Sorts (weight, tag) pairs by weight only, so ties show where the algorithm leaves them.</summary>
    private static string PartialSort(string weights, long from, long to)
    {
        var items = weights.Select((w, i) => (Weight: w, Tag: i)).ToArray();
        PartialQuickSort.Sort(items, (a, b) => a.Weight.CompareTo(b.Weight), from, to);
        return string.Join(",", items.Select(i => i.Tag));
    }

    [Fact]
    public void Partial_quicksort_leaves_ties_where_redis_leaves_them()
    {
        // redis-server 7.0.15: RPUSH li -1 0 3 5 7 9 100; weights c _ d e b c _ (missing sorts first);
        // SORT li BY a_* ALPHA LIMIT 0 3 answers 100 0 7 (a stable sort would give 0 100 7).
        Assert.Equal("6,1,4,0,5,2,3", PartialSort("c debc ", 0, 2));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(41)]
    [InlineData(300)]
    public void Partial_quicksort_puts_the_wanted_range_in_order(int n)
    {
        var rng = new Random(n);
        for (int round = 0; round < 50; round++)
        {
            var items = Enumerable.Range(0, n).Select(_ => rng.Next(n / 3 + 1)).ToArray();
            var sorted = items.Order().ToArray();
            int from = rng.Next(n), to = Math.Min(n - 1, from + rng.Next(n));
            PartialQuickSort.Sort(items, (a, b) => a.CompareTo(b), from, to);
            Assert.Equal(sorted[from..(to + 1)], items[from..(to + 1)]);
            Assert.Equal(sorted, items.Order().ToArray());
        }
    }

    [Theory]
    [InlineData("", true, 0)]
    [InlineData(" 1", true, 1)]
    [InlineData("\t-2.5", true, -2.5)]
    [InlineData("3\0junk", true, 3)]
    [InlineData("0x10", true, 16)]
    [InlineData("+.5", true, 0.5)]
    [InlineData("5.", true, 5)]
    [InlineData("inf", true, double.PositiveInfinity)]
    [InlineData("0x1p-1074", true, double.Epsilon)]
    [InlineData("1 ", false, 0)]
    [InlineData("   ", false, 0)]
    [InlineData("nan", false, 0)]
    [InlineData("1e400", false, 0)]
    [InlineData("1e-400", false, 0)]
    [InlineData("1e-310", false, 0)]
    [InlineData("0x1.8p-1074", false, 0)]
    [InlineData("2.2250738585072011e-308", false, 0)]
    [InlineData("1e", false, 0)]
    [InlineData("0x", false, 0)]
    public void Weights_parse_as_sort_checks_strtod(string text, bool ok, double expected)
    {
        Assert.Equal(ok, Numbers.TryParseSortWeight(Encoding.Latin1.GetBytes(text), out double value));
        if (ok) Assert.Equal(expected, value);
    }

    [Fact]
    public void Ensure_skip_list_converts_a_packed_set_and_keeps_its_order()
    {
        var z = new SortedSetValue();
        foreach (var (m, s) in new[] { ("b", 2.0), ("a", 1.0), ("c", 2.0) }) z.Set(Encoding.ASCII.GetBytes(m), s);
        Assert.True(z.IsListpack);
        z.EnsureSkipList();
        Assert.False(z.IsListpack);
        Assert.Equal(["a", "b", "c"], z.Ascending().Select(e => Encoding.ASCII.GetString(e.Member)));
        z.EnsureSkipList();
        Assert.Equal(3, z.Count);
    }
}
