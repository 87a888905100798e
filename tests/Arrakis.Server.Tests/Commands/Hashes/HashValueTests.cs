using System.Text;
using Arrakis.Server.Commands.Hashes;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Commands.Hashes;

public sealed class HashValueTests
{
    [Theory]
    [InlineData(50, 10, false)]     // stays packed
    [InlineData(700, 10, false)]    // passes 512 fields: field list + index
    [InlineData(50, 80, false)]     // a value over 64 bytes converts early
    [InlineData(50, 10, true)]      // the same, as views of a table's slot (the bytes in its record)
    [InlineData(700, 10, true)]
    [InlineData(50, 80, true)]
    public void Random_sets_and_deletes_agree_with_a_dictionary(int fields, int maxValue, bool attached)
    {
        var table = new KeyTable();
        int slot = table.AddPacked("hash"u8, KeyTable.Hash("hash"u8), KeyTable.PackedHash, []);
        var hash = attached ? (HashValue)table.ValueView(slot) : new HashValue();
        var model = new Dictionary<string, string>();
        var rng = new Random(fields + maxValue);
        for (int i = 0; i < 20_000; i++)
        {
            if (attached)
            {
                // A fresh view per step, as per command; strings around it move records in the same heap.
                hash = (HashValue)table.ValueView(slot);
                Assert.Equal(hash.IsListpack, table.PackedKind(slot) == KeyTable.PackedHash);
                if (!hash.IsListpack) Assert.Same(hash, table.ObjectAt(slot));
                if (i % 3 == 0) table.AddString(Encoding.ASCII.GetBytes("s" + i), i, new byte[i % 50]);
            }
            string f = "f" + rng.Next(fields);
            if (rng.Next(4) == 0)
            {
                Assert.Equal(model.Remove(f), hash.Remove(Encoding.ASCII.GetBytes(f)));
                continue;
            }
            string v = new('v', rng.Next(0, maxValue));
            bool isNew = !model.ContainsKey(f);
            model[f] = v;
            Assert.Equal(isNew, hash.Set(Encoding.ASCII.GetBytes(f), Encoding.ASCII.GetBytes(v)));
            if (i % 997 != 0) continue;
            Assert.Equal(model.Count, hash.Count);
            var entries = hash.Entries.ToDictionary(e => Encoding.ASCII.GetString(e.Key), e => Encoding.ASCII.GetString(e.Value));
            Assert.Equal(model.OrderBy(kv => kv.Key), entries.OrderBy(kv => kv.Key));
            foreach (var (k, val) in model.Take(20))
            {
                Assert.True(hash.TryGet(Encoding.ASCII.GetBytes(k), out var got));
                Assert.Equal(val, Encoding.ASCII.GetString(got));
            }
            if (hash.Count > 0) Assert.Contains(Encoding.ASCII.GetString(hash.EntryAt(rng.Next(hash.Count)).Key), model.Keys);
        }
    }

    [Fact]
    public void Packed_hashes_keep_insertion_order_through_updates_and_deletes()
    {
        var hash = new HashValue();
        foreach (var f in new[] { "c", "a", "b" }) hash.Set(Encoding.ASCII.GetBytes(f), "1"u8);
        hash.Set("a"u8, "22"u8);
        hash.Remove("c"u8);
        hash.Set("d"u8, "4"u8);
        Assert.True(hash.IsListpack);
        Assert.Equal(["a=22", "b=1", "d=4"], hash.Entries.Select(e => Encoding.ASCII.GetString(e.Key) + "=" + Encoding.ASCII.GetString(e.Value)));
    }
}
