using Arrakis.Server.Commands.Streams;

namespace Arrakis.Server.Tests.Commands.Streams;

/// <summary>The stream value type on its own: node splitting, tombstones, trimming, and loading hostile node bytes.</summary>
public sealed class StreamValueTests
{
    private static StreamValue Build(int entries, int seed)
    {
        var s = new StreamValue();
        var rng = new Random(seed);
        for (int i = 1; i <= entries; i++)
        {
            var fields = new List<byte[]> { "f"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(rng.Next(-5000, 5000).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            if (rng.Next(4) == 0) fields.AddRange(["extra"u8.ToArray(), new byte[rng.Next(0, 400)]]);
            Assert.Equal(StreamValue.AppendResult.Ok, s.TryAppend(new ListFields(fields), new StreamId((ulong)i, (ulong)rng.Next(3)), seqGiven: true, 0, out _));
        }
        return s;
    }

    private static List<StreamId> Walk(StreamValue s, bool reverse)
    {
        var ids = new List<StreamId>();
        var it = new StreamIterator(s, StreamId.Zero, StreamId.Max, reverse);
        while (it.Next(out var e))
        {
            ids.Add(e.Id);
            e.CopyFields();
        }
        return ids;
    }

    private static List<byte[]> Elements(byte[] lp)
    {
        var list = new List<byte[]>();
        Span<byte> scratch = stackalloc byte[24];
        for (int p = Listpack.First; !Listpack.AtEnd(lp, p); p = Listpack.Next(lp, p)) list.Add(Listpack.GetBytes(lp, p, scratch).ToArray());
        return list;
    }

    private static byte[] Pack(List<byte[]> elements)
    {
        var lp = Listpack.New();
        foreach (var e in elements) Listpack.Append(ref lp, e);
        return Listpack.ToExact(lp);
    }

    [Fact]
    public void Nodes_split_by_entries_and_bytes_and_iterate_both_ways()
    {
        var s = Build(1000, 1);
        Assert.True(s.Nodes.Count >= 10);
        Assert.All(s.Nodes, n => Assert.True(n.Live + n.Deleted <= StreamValue.NodeMaxEntries));
        var forward = Walk(s, reverse: false);
        Assert.Equal(1000, forward.Count);
        Assert.Equal(forward.AsEnumerable().Reverse(), Walk(s, reverse: true));
        Assert.True(s.Delete(forward[500]));
        Assert.False(s.Delete(forward[500]));
        Assert.Equal(999, s.Length);
        Assert.DoesNotContain(forward[500], Walk(s, reverse: false));
    }

    [Fact]
    public void Deleting_every_entry_of_a_node_frees_it()
    {
        var s = Build(300, 2);
        int before = s.Nodes.Count;
        var first = s.Nodes[0];
        var ids = new List<StreamId>();
        var it = new StreamIterator(s, first.Master, s.Nodes[1].Master, reverse: false);
        while (it.Next(out var e)) if (e.Id < s.Nodes[1].Master) ids.Add(e.Id);
        foreach (var id in ids) Assert.True(s.Delete(id));
        Assert.Equal(before - 1, s.Nodes.Count);
    }

    [Fact]
    public void Exact_trim_flags_entries_and_approximate_trim_removes_whole_nodes()
    {
        var s = Build(500, 3);
        long removed = s.Trim(new StreamTrim { Strategy = StreamTrimStrategy.MaxLen, MaxLen = 450, Approx = true, Limit = 10000 });
        Assert.True(s.Length >= 450);
        Assert.Equal(500 - s.Length, removed);
        removed = s.Trim(new StreamTrim { Strategy = StreamTrimStrategy.MaxLen, MaxLen = 449 });
        Assert.Equal(449, s.Length);
        Assert.Equal(449, Walk(s, reverse: false).Count);
        Assert.Equal(Walk(s, reverse: false)[0], s.FirstId);
    }

    [Fact]
    public void Hostile_node_bytes_are_refused_or_load_into_a_stream_every_operation_can_walk()
    {
        var rng = new Random(7);
        var source = Build(250, 4);
        source.Delete(new StreamId(3, 0));
        var rdb = StreamRdb.ToRdb(source).Stream!;
        int accepted = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            int n = rng.Next(rdb.Nodes.Count);
            var elements = Elements(rdb.Nodes[n].Listpack);
            int k = rng.Next(elements.Count);
            elements[k] = rng.Next(4) switch
            {
                0 => System.Text.Encoding.ASCII.GetBytes(rng.Next(-3, 300).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                1 => "x"u8.ToArray(),
                2 => System.Text.Encoding.ASCII.GetBytes(rng.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => [],
            };
            if (rng.Next(5) == 0) elements.RemoveAt(rng.Next(elements.Count));
            var copy = new Arrakis.Persistence.Rdb.RdbStream { Length = rdb.Length, LastId = rdb.LastId, FirstId = rdb.FirstId, EntriesAdded = rdb.EntriesAdded };
            for (int i = 0; i < rdb.Nodes.Count; i++)
                copy.Nodes.Add((rdb.Nodes[i].Key, i == n ? Pack(elements) : rdb.Nodes[i].Listpack));
            var s = StreamRdb.FromRdb(copy, out string? error);
            if (s is null)
            {
                Assert.NotNull(error);
                continue;
            }
            accepted++;
            var ids = Walk(s, reverse: false);
            Assert.Equal(ids.Count, Walk(s, reverse: true).Count);
            foreach (var id in ids.Take(5)) s.Delete(id);
            s.Trim(new StreamTrim { Strategy = StreamTrimStrategy.MinId, MinId = ids.Count > 50 ? ids[50] : StreamId.Max });
            s.RaxNodeCount();
            s.TryAppend(new ListFields(["a"u8.ToArray(), "b"u8.ToArray()]), null, true, long.MaxValue, out _);
        }
        Assert.InRange(accepted, 1, 2999);
    }
}
