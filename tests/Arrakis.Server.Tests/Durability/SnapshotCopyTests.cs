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

    /// <summary>Begins a snapshot, runs <paramref name="changes"/> (each copies its stripe first), captures the rest, returns the RDB file.</summary>
    private static byte[] TakeSnapshot(CommandHarness h, string[][]? changes)
    {
        var keyspace = h.State.Keyspace;
        var snapshot = Snapshot.Begin(keyspace, () => 0);
        try
        {
            foreach (var c in changes ?? []) Assert.DoesNotContain("-ERR", h.Run(c));
            snapshot.CaptureRemaining(keyspace);
            using var ms = new MemoryStream();
            var writer = new RdbWriter(ms);
            writer.WriteHeader();
            for (int i = 0; i < Arrakis.Server.Keyspace.Keyspace.StripeCount; i++) writer.WriteRaw(snapshot.TakePart());
            writer.Finish();
            Assert.Null(snapshot.Failure);
            return ms.ToArray();
        }
        finally
        {
            keyspace.Snapshot = null;
        }
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
