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

    [Fact]
    public void Deletions_give_record_pages_and_trailing_slot_chunks_back_and_every_key_stays()
    {
        var t = new KeyTable();
        byte[] Key(int i) => Encoding.ASCII.GetBytes($"key:{i:D12}");
        int hashSlot = t.AddPacked("packed"u8, KeyTable.Hash("packed"u8), KeyTable.PackedHash, [1, (byte)'f', 1, (byte)'v']);
        for (int i = 0; i < 50_000; i++) t.AddString(Key(i), KeyTable.Hash(Key(i)), Encoding.ASCII.GetBytes($"value-{i}-" + new string('x', i % 40)));
        long full = t.OwnBytes;
        Assert.Equal(0, t.GiveBack()); // nothing to give back while full
        var rng = new Random(5);
        var kept = new HashSet<int>();
        var slots = new Dictionary<int, int>();
        for (int i = 0; i < 50_000; i++)
        {
            // Keep 5%, all in the first fifth of the slots, so that whole chunks above become free.
            if (i < 10_000 && rng.Next(4) == 0)
            {
                kept.Add(i);
                slots[i] = t.Find(Key(i), KeyTable.Hash(Key(i)));
                continue;
            }
            t.RemoveAt(t.Find(Key(i), KeyTable.Hash(Key(i))));
        }
        long given = t.GiveBack();
        Assert.True(given > 0 && t.OwnBytes < full / 4, $"{t.OwnBytes} bytes left of {full}, {given} given back");
        Assert.True(t.SlotCount <= 11 * 1024, $"{t.SlotCount} slots after the trim");
        foreach (int i in kept)
        {
            int slot = t.Find(Key(i), KeyTable.Hash(Key(i)));
            Assert.Equal(slots[i], slot); // slots keep their index: SCAN's cursor
            Assert.True(t.TryGetString(slot, out var v));
            Assert.Equal($"value-{i}-" + new string('x', i % 40), Encoding.ASCII.GetString(v));
        }
        Assert.Equal(hashSlot, t.Find("packed"u8, KeyTable.Hash("packed"u8)));
        Assert.Equal(new byte[] { 1, (byte)'f', 1, (byte)'v' }, t.PackedValue(hashSlot).ToArray());
        // The table goes on working: freed slots below the trim are reused, then it grows again.
        for (int i = 100_000; i < 130_000; i++) t.AddString(Key(i), KeyTable.Hash(Key(i)), "v"u8);
        Assert.Equal(kept.Count + 1 + 30_000, t.Count);
        for (int i = 100_000; i < 130_000; i += 7) Assert.True(t.Find(Key(i), KeyTable.Hash(Key(i))) >= 0);
    }
}
