using System.Text;
using Arrakis.Persistence.Rdb;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Testing;
using Arrakis.Server.Tests.Commands;

namespace Arrakis.Server.Tests.Durability;

/// <summary>
/// A snapshot is the keyspace at its beginning: commands that take a stripe afterwards copy it first (slots,
/// record pages, deep copies of object values) and the writer serializes the copy later. Every value kind,
/// changed in every way after the snapshot began, must come out as it was.
/// </summary>
public sealed class SnapshotCopyTests
{
    private static readonly string[][] Fill =
    [
        ["SET", "str", "before"], ["APPEND", "grown", "abc"], ["APPEND", "grown", "def"],
        ["RPUSH", "list", "a", "b", "c"], ["HSET", "packed-hash", "f", "v"], ["HSET", "big-hash", "f", new string('h', 80)],
        ["SADD", "intset", "1", "2", "3"], ["SADD", "set", "a", "b"], ["ZADD", "packed-zset", "1", "a"],
        ["XADD", "stream", "1-1", "f", "v"], ["SET", "doomed", "x"], ["SET", "expiring", "y"],
    ];

    private static readonly string[][] Change =
    [
        ["SET", "str", "after"], ["APPEND", "grown", "ghi"], ["RPUSH", "list", "d"], ["LSET", "list", "0", "z"],
        ["HSET", "packed-hash", "f", "w", "g", "x"], ["HSET", "big-hash", "f", "short"], ["SADD", "intset", "4"],
        ["SREM", "set", "a"], ["ZADD", "packed-zset", "5", "a", "2", "b"], ["ZADD", "big-zset", "7", "m0"],
        ["XADD", "stream", "2-1", "f", "w"], ["DEL", "doomed"], ["EXPIRE", "expiring", "100"], ["SET", "new", "n"],
    ];

    [Fact]
    public void CommandsAfterTheBeginningChangeTheKeyspace_NotTheSnapshot()
    {
        using var h = new CommandHarness(new ServerOptions { Threads = 1 });
        foreach (var c in Fill) h.Run(c);
        var zadd = new List<string> { "ZADD", "big-zset" };
        for (int i = 0; i < 300; i++) zadd.AddRange([i.ToString(), "m" + i]); // a skip list
        h.Run(zadd.ToArray());
        var before = Entries(TakeSnapshot(h, changes: null));
        var during = Entries(TakeSnapshot(h, changes: Change));
        Assert.Equal(before, during);
        var after = Entries(TakeSnapshot(h, changes: null));
        Assert.NotEqual(before, after); // the test can see a change
        Assert.Equal(Change.Select(c => c[1]).Distinct().Count(), Change.Select(c => c[1]).Distinct().Count(k => !(before.TryGetValue(k, out var b) && after.TryGetValue(k, out var a) && a == b)));
    }

    /// <summary>
    /// Memory reserved before the snapshot begins takes the captures: a command that copies its stripe first then
    /// allocates nothing (fresh memory cost the data-plane thread a page fault per 4 KiB, 20-30 ms of stall in a
    /// BGSAVE of 1M keys). Keys that arrive between the reserve and the beginning fit in its slack or are allocated
    /// as before; either way the snapshot is the keyspace at its beginning.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(20_000)]
    public void Captures_go_into_memory_reserved_before_the_beginning(int addedAfterReserve)
    {
        using var h = new CommandHarness(new ServerOptions { Threads = 1 });
        for (int i = 0; i < 20_000; i++) h.Run(["SET", "key:" + i, "value-" + i]);
        foreach (var c in Fill) h.Run(c);
        var memory = new CountingOffHeap();
        var keyspace = h.State.Keyspace;
        var reserves = Snapshot.Reserve(keyspace, memory);
        int reserved = memory.Calls;
        Assert.True(reserved >= 200, $"{reserved} stripes reserved"); // every stripe with keys
        for (int i = 0; i < addedAfterReserve; i++) h.Run(["SET", "late:" + i, "value-" + i]);
        var expected = Entries(TakeSnapshot(h, changes: null));
        var snapshot = Snapshot.Begin(keyspace, () => 0, memory, reserves);
        try
        {
            foreach (var c in Change) Assert.DoesNotContain("-ERR", h.Run(c));
            for (int i = 0; i < 1000; i++) h.Run(["SET", "key:" + i, "changed"]);
            snapshot.CaptureRemaining(keyspace);
            if (addedAfterReserve == 0) Assert.Equal(reserved, memory.Calls); // nothing allocated at a capture
            else Assert.True(memory.Calls > reserved); // the keyspace doubled: the slack did not hold it
            Assert.Equal(expected, Entries(Serialize(snapshot)));
        }
        finally
        {
            keyspace.Snapshot = null;
        }
    }

    /// <summary>
    /// A snapshot's captures are off the managed heap: capturing and serializing string keys (with expiries and
    /// values both inline and as string objects) allocates nothing per key on it. The page copies it made before
    /// were garbage the size of the keyspace, and their collections stalled writes during a BGSAVE of 1M keys.
    /// </summary>
    [Fact]
    public void A_snapshot_of_string_keys_allocates_nothing_per_key()
    {
        var (small, _) = SnapshotAllocations(10_000);
        var (large, offHeap) = SnapshotAllocations(50_000);
        Assert.True(offHeap > 50_000 * 20, $"off-heap {offHeap}");
        // What does not grow with the keys (256 parts, the writer) stays; per key: under a byte.
        Assert.True(large - small < 40_000, $"{small} managed bytes for 10k keys, {large} for 50k");
    }

    /// <summary>Managed bytes the test thread allocated capturing and serializing <paramref name="keys"/> string keys
    /// (10% with an expiry, 1% grown by APPEND into string objects), and the off-heap bytes captured.</summary>
    private static (long Managed, long OffHeap) SnapshotAllocations(int keys)
    {
        using var h = new CommandHarness(new ServerOptions { Threads = 1 });
        for (int i = 0; i < keys; i++) h.Run(["SET", "key:" + i, "value-" + i]);
        for (int i = 0; i < keys; i += 10) h.Run(["EXPIRE", "key:" + i, "1000"]);
        for (int i = 0; i < keys; i += 100) h.Run(["APPEND", "key:" + i, "grown"]);
        var memory = new CountingOffHeap();
        var keyspace = h.State.Keyspace;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var snapshot = Snapshot.Begin(keyspace, () => 0, memory);
        try
        {
            snapshot.CaptureRemaining(keyspace);
            var writer = new RdbWriter(Stream.Null);
            for (int i = 0; i < Arrakis.Server.Keyspace.Keyspace.StripeCount; i++) snapshot.WriteNextPart(writer);
            writer.Finish();
        }
        finally
        {
            keyspace.Snapshot = null;
        }
        long managed = GC.GetAllocatedBytesForCurrentThread() - before - memory.Bytes;
        Assert.Null(snapshot.Failure);
        Assert.Equal(keys, snapshot.Keys);
        return (managed, memory.Bytes);
    }

    /// <summary>The managed stand-in, counting what it hands out (its arrays are on the managed heap).</summary>
    private sealed class CountingOffHeap : Arrakis.IoBypass.Memory.IOffHeapMemory
    {
        public long Bytes;
        public int Calls;

        public Arrakis.IoBypass.Memory.OffHeapBuffer Allocate(int length)
        {
            Bytes += length;
            Calls++;
            return Arrakis.IoBypass.Memory.ManagedOffHeapMemory.Instance.Allocate(length);
        }
    }

    /// <summary>Begins a snapshot, runs <paramref name="changes"/> (each copies its stripe first), captures the rest, returns the RDB file.</summary>
    private static byte[] TakeSnapshot(CommandHarness h, string[][]? changes)
    {
        var keyspace = h.State.Keyspace;
        var snapshot = Snapshot.Begin(keyspace, () => 0, h.State.OffHeap);
        try
        {
            foreach (var c in changes ?? []) Assert.DoesNotContain("-ERR", h.Run(c));
            snapshot.CaptureRemaining(keyspace);
            return Serialize(snapshot);
        }
        finally
        {
            keyspace.Snapshot = null;
        }
    }

    /// <summary>The RDB file of a snapshot whose stripes were all captured.</summary>
    private static byte[] Serialize(Snapshot snapshot)
    {
        using var ms = new MemoryStream();
        var writer = new RdbWriter(ms);
        writer.WriteHeader();
        for (int i = 0; i < Arrakis.Server.Keyspace.Keyspace.StripeCount; i++) snapshot.WriteNextPart(writer);
        writer.Finish();
        Assert.Null(snapshot.Failure);
        return ms.ToArray();
    }

    private static Dictionary<string, string> Entries(byte[] rdb)
    {
        var reader = new RdbReader(new MemoryStream(rdb));
        Assert.Equal(RdbReadStatus.Ok, reader.ReadHeader());
        var entries = new Dictionary<string, string>();
        while (reader.ReadNext(out var e) == RdbReadStatus.Ok) entries[Encoding.Latin1.GetString(e!.Key)] = Canon(e);
        Assert.Null(reader.Error);
        return entries;
    }

    private static string Canon(RdbEntry e)
    {
        static string S(byte[] b) => Encoding.Latin1.GetString(b);
        var v = e.Value;
        string value = v.Kind switch
        {
            RdbValueKind.String => S(v.String!),
            RdbValueKind.List => string.Join(",", v.Elements!.Select(S)),
            RdbValueKind.Set => string.Join(",", v.Elements!.Select(S).Order(StringComparer.Ordinal)),
            RdbValueKind.Hash => string.Join(",", v.Pairs!.Select(p => S(p.Key) + "=" + S(p.Value)).Order(StringComparer.Ordinal)),
            RdbValueKind.SortedSet => string.Join(",", v.Scored!.Select(p => S(p.Key) + "=" + p.Value).Order(StringComparer.Ordinal)),
            RdbValueKind.Stream => $"{v.Stream!.Length} {v.Stream.LastId} " + string.Join(",", v.Stream.Nodes.Select(n => Convert.ToHexString(n.Listpack))),
            _ => v.Kind.ToString(),
        };
        return $"{v.Kind} {e.ExpireAtMs} {value}";
    }
}
