using System.Text;
using Arrakis.Server.Commands.SortedSets;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Commands.SortedSets;

/// <summary>Both sorted-set forms (packed and skip list) against a sorted-list model: ranks, order, scores.</summary>
public sealed class SortedSetValueTests
{
    [Theory]
    [InlineData(40, false)]    // stays packed
    [InlineData(400, false)]   // crosses 128 members: skip list
    [InlineData(40, true)]     // the same, as views of a table's slot (the packed bytes in its record)
    [InlineData(400, true)]
    public void Ranks_and_order_agree_with_a_model(int members, bool attached)
    {
        var table = new KeyTable();
        int slot = table.AddPacked("z"u8, KeyTable.Hash("z"u8), KeyTable.PackedZSet, []);
        var z = attached ? (SortedSetValue)table.ValueView(slot) : new SortedSetValue();
        var model = new Dictionary<string, double>();
        var rng = new Random(members);
        for (int i = 0; i < 10_000; i++)
        {
            if (attached)
            {
                // A fresh view per step, as per command; strings around it move records in the same heap.
                z = (SortedSetValue)table.ValueView(slot);
                Assert.Equal(z.IsListpack, table.PackedKind(slot) == KeyTable.PackedZSet);
                if (!z.IsListpack) Assert.Same(z, table.ObjectAt(slot));
                if (i % 3 == 0) table.AddString(Encoding.ASCII.GetBytes("s" + i), i, new byte[i % 50]);
            }
            string m = "m" + rng.Next(members);
            var bytes = Encoding.ASCII.GetBytes(m);
            if (rng.Next(4) == 0)
            {
                Assert.Equal(model.Remove(m), z.Remove(bytes));
            }
            else
            {
                double score = rng.Next(-50, 50) / 2.0;
                bool isNew = !model.ContainsKey(m);
                model[m] = score;
                Assert.Equal(isNew, z.Set(bytes, score));
            }
            if (i % 500 != 0) continue;
            var expected = model.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Count, z.Count);
            var actual = z.Ascending().Select(e => (Encoding.ASCII.GetString(e.Member), e.Score)).ToList();
            Assert.Equal(expected.Select(kv => (kv.Key, kv.Value)), actual);
            for (int r = 0; r < expected.Count; r += 7)
            {
                Assert.Equal(r, z.RankOf(Encoding.ASCII.GetBytes(expected[r].Key)));
                Assert.Equal(expected[r].Key, Encoding.ASCII.GetString(z.At(r).Member));
            }
            if (expected.Count > 0)
            {
                var back = z.Walk(expected.Count - 1, reverse: true).Select(e => Encoding.ASCII.GetString(e.Member)).ToList();
                Assert.Equal(expected.Select(kv => kv.Key).Reverse(), back);
            }
        }
        Assert.Equal(members <= SortedSetValue.MaxListpackEntries, z.IsListpack);
    }
}
