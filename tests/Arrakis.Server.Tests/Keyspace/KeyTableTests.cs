using System.Text;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Keyspace;

public sealed class KeyTableTests
{
    [Fact]
    public void Slots_stay_put_while_the_table_grows_and_keys_come_and_go()
    {
        var t = new KeyTable();
        var slots = new Dictionary<string, int>();
        for (int i = 0; i < 1000; i++)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            slots["k" + i] = t.AddString(k, KeyTable.Hash(k), Encoding.ASCII.GetBytes("v" + i));
        }
        for (int i = 0; i < 1000; i += 2)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            t.RemoveAt(t.Find(k, KeyTable.Hash(k)));
        }
        for (int i = 1000; i < 3000; i++)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            t.AddObject(k, KeyTable.Hash(k), new object());
        }
        for (int i = 1; i < 1000; i += 2)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            Assert.Equal(slots["k" + i], t.Find(k, KeyTable.Hash(k)));
            Assert.True(t.TryGetString(slots["k" + i], out var v));
            Assert.Equal("v" + i, Encoding.ASCII.GetString(v));
        }
        Assert.Equal(2500, t.Count);
        Assert.Equal(2000, t.ObjectCount);
    }

    [Fact]
    public void Volatile_count_follows_expiry_changes()
    {
        var t = new KeyTable();
        var k = "a"u8.ToArray();
        int slot = t.AddString(k, KeyTable.Hash(k), "v"u8);
        t.SetExpire(slot, 123);
        Assert.Equal(1, t.VolatileCount);
        t.RemoveAt(slot);
        Assert.Equal(0, t.VolatileCount);
        Assert.Equal(-1, t.Find(k, KeyTable.Hash(k)));
    }

    [Fact]
    public void An_overwrite_of_the_same_size_class_reuses_the_record_and_a_freed_record_is_reused()
    {
        var t = new KeyTable();
        var k = "key:000000000001"u8.ToArray();
        int slot = t.AddString(k, KeyTable.Hash(k), "0123456789abcdef"u8);
        long record = t.Slot(slot).Record;
        t.SetString(slot, "fedcba9876543210"u8);
        Assert.Equal(record, t.Slot(slot).Record);
        t.SetString(slot, "fedcba98765432"u8); // 8 + 16 + 14 = 38 rounds to the same 40
        Assert.Equal(record, t.Slot(slot).Record);
        t.RemoveAt(slot);
        var k2 = "key:000000000002"u8.ToArray();
        int slot2 = t.AddString(k2, KeyTable.Hash(k2), "0123456789abcdef"u8);
        Assert.Equal(record, t.Slot(slot2).Record);
    }

    [Fact]
    public void Strings_and_objects_of_every_size_match_a_model_through_random_changes()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var rng = new Random(seed);
            var t = new KeyTable();
            var model = new Dictionary<string, object>(); // byte[] for an inline string, else the object
            for (int step = 0; step < 20000; step++)
            {
                string name = "k" + rng.Next(400) + new string('x', rng.Next(4) == 0 ? rng.Next(2000) : 0);
                var key = Encoding.ASCII.GetBytes(name);
                int hash = KeyTable.Hash(key);
                int slot = t.Find(key, hash);
                Assert.Equal(model.ContainsKey(name), slot >= 0);
                int op = rng.Next(10);
                if (op < 5)
                {
                    var value = new byte[rng.Next(8) == 0 ? rng.Next(5000) : rng.Next(60)];
                    rng.NextBytes(value);
                    if (slot < 0) t.AddString(key, hash, value);
                    else t.SetString(slot, value);
                    model[name] = value;
                }
                else if (op < 7)
                {
                    var o = new object();
                    if (slot < 0) t.AddObject(key, hash, o);
                    else t.SetObject(slot, o);
                    model[name] = o;
                }
                else if (slot >= 0)
                {
                    t.RemoveAt(slot);
                    model.Remove(name);
                }
                if (step % 1000 == 999)
                {
                    Assert.Equal(model.Count, t.Count);
                    foreach (var (n, expected) in model)
                    {
                        var k = Encoding.ASCII.GetBytes(n);
                        int s = t.Find(k, KeyTable.Hash(k));
                        Assert.True(s >= 0, n);
                        Assert.True(t.KeyAt(s).SequenceEqual(k));
                        if (expected is byte[] b)
                        {
                            Assert.True(t.TryGetString(s, out var v));
                            Assert.True(v.SequenceEqual(b));
                            Assert.Null(t.ObjectAt(s));
                        }
                        else Assert.Same(expected, t.ObjectAt(s));
                    }
                }
            }
        }
    }

    [Fact]
    public void Growing_and_shrinking_rehash_incrementally_and_every_key_stays_findable()
    {
        var t = new KeyTable();
        var keys = Enumerable.Range(0, 50_000).Select(i => Encoding.ASCII.GetBytes("key:" + i)).ToArray();
        var slots = new int[keys.Length];
        bool sawRehash = false;
        for (int i = 0; i < keys.Length; i++)
        {
            slots[i] = t.AddString(keys[i], KeyTable.Hash(keys[i]), keys[i]);
            sawRehash |= t.Rehashing;
            if (i % 997 == 0)
            {
                for (int j = 0; j <= i; j += 13) Assert.Equal(slots[j], t.Find(keys[j], KeyTable.Hash(keys[j])));
            }
        }
        Assert.True(sawRehash, "the table never was between two bucket arrays");
        for (int i = 0; i < keys.Length; i++) Assert.Equal(slots[i], t.Find(keys[i], KeyTable.Hash(keys[i])));
        // Remove all but 100: the buckets shrink (incrementally too), the rest keep their slots.
        long before = t.OwnBytes;
        for (int i = 100; i < keys.Length; i++)
        {
            t.RemoveAt(t.Find(keys[i], KeyTable.Hash(keys[i])));
            if (i % 1999 == 0)
            {
                for (int j = 0; j < 100; j++) Assert.Equal(slots[j], t.Find(keys[j], KeyTable.Hash(keys[j])));
            }
        }
        for (int j = 0; j < 200; j++) t.Find(keys[j % 100], KeyTable.Hash(keys[j % 100])); // lookups finish a rehash
        Assert.False(t.Rehashing);
        Assert.Equal(100, t.Count);
        for (int j = 0; j < 100; j++) Assert.Equal(slots[j], t.Find(keys[j], KeyTable.Hash(keys[j])));
        Assert.True(before - t.OwnBytes >= 200_000, $"the bucket array did not shrink: {before} -> {t.OwnBytes} bytes"); // 65,536 buckets -> 256
    }
}
