using Arrakis.Persistence.Rdb;

namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// Streams to and from the RDB model: nodes go out as they are (Redis's own listpack layout) and come
/// back only after every node passed the checks of Redis's deep stream validation (master entry,
/// entry flags, counts, lp-count, IDs increasing), so no command ever walks a malformed node.
/// </summary>
internal static class StreamRdb
{
    public static RdbValue ToRdb(StreamValue s)
    {
        var r = new RdbStream
        {
            Length = (ulong)s.Length,
            LastId = (s.LastId.Ms, s.LastId.Seq),
            FirstId = (s.FirstId.Ms, s.FirstId.Seq),
            MaxDeletedId = (s.MaxDeletedId.Ms, s.MaxDeletedId.Seq),
            EntriesAdded = (ulong)s.EntriesAdded,
        };
        foreach (var node in s.Nodes) r.Nodes.Add((Key(node.Master), Listpack.ToExact(node.Lp)));
        if (s.Groups is not null)
        {
            foreach (var (name, g) in s.Groups)
            {
                var rg = new RdbStreamGroup { Name = name, LastId = (g.LastId.Ms, g.LastId.Seq), EntriesRead = g.EntriesRead };
                foreach (var (id, nack) in g.Pending.All) rg.Pending.Add((Key(id), nack.DeliveryTime, (ulong)nack.DeliveryCount));
                foreach (var consumer in g.Consumers.Values)
                {
                    var rc = new RdbStreamConsumer { Name = consumer.Name, SeenTime = consumer.SeenTime };
                    foreach (var (id, _) in consumer.Pending.All) rc.Pending.Add(Key(id));
                    rg.Consumers.Add(rc);
                }
                r.Groups.Add(rg);
            }
        }
        return RdbValue.FromStream(r);
    }

    private static byte[] Key(StreamId id)
    {
        var k = new byte[16];
        id.Encode(k);
        return k;
    }

    /// <summary>Rebuilds a stream; null (with <paramref name="error"/>) when a node's layout is not a stream's.</summary>
    public static StreamValue? FromRdb(RdbStream r, out string? error)
    {
        error = null;
        var s = new StreamValue();
        long live = 0;
        StreamId previous = default;
        bool any = false;
        foreach (var (key, lp) in r.Nodes)
        {
            var node = new StreamNode(StreamId.Decode(key), (byte[])lp.Clone());
            if (!TryValidate(node, ref previous, ref any, out long nodeLive, out error)) return null;
            live += nodeLive;
            s.AddLoadedNode(node);
        }
        if ((ulong)live != r.Length)
        {
            error = "stream length does not match its entries";
            return null;
        }
        s.SetLength(live);
        s.LastId = new StreamId(r.LastId.Ms, r.LastId.Seq);
        s.EntriesAdded = (long)r.EntriesAdded;
        if (r.LegacyV1)
        {
            s.FirstId = s.EdgeId(first: true);
            s.MaxDeletedId = StreamId.Zero;
        }
        else
        {
            s.FirstId = new StreamId(r.FirstId.Ms, r.FirstId.Seq);
            s.MaxDeletedId = new StreamId(r.MaxDeletedId.Ms, r.MaxDeletedId.Seq);
        }
        foreach (var rg in r.Groups)
        {
            s.Groups ??= new SortedDictionary<byte[], StreamGroup>(ByteArrayComparer.Instance);
            var lastId = new StreamId(rg.LastId.Ms, rg.LastId.Seq);
            var g = new StreamGroup(lastId, r.LegacyV1 ? StreamLag.EstimateEntriesRead(s, lastId) : rg.EntriesRead);
            if (!s.Groups.TryAdd(rg.Name, g))
            {
                error = "duplicated consumer group name";
                return null;
            }
            var nacks = new Dictionary<StreamId, (long Time, long Count)>();
            foreach (var (id, time, count) in rg.Pending) nacks[StreamId.Decode(id)] = (time, (long)count);
            foreach (var rc in rg.Consumers)
            {
                var consumer = g.AddConsumer(rc.Name, rc.SeenTime);
                foreach (var raw in rc.Pending)
                {
                    var id = StreamId.Decode(raw);
                    var (time, count) = nacks[id];
                    var nack = new PendingEntry(consumer, time, count);
                    g.Pending.Add(id, nack);
                    consumer.Pending.Add(id, nack);
                }
            }
        }
        return s;
    }

    /// <summary>Walks one node (its listpack already passed the integrity check) as streamValidateListpackIntegrity does.</summary>
    private static bool TryValidate(StreamNode node, ref StreamId previous, ref bool any, out long live, out string? error)
    {
        live = 0;
        error = "stream node layout is corrupt";
        var lp = node.Lp;
        int p = Listpack.First;
        if (!Int(lp, ref p, out long count) || !Int(lp, ref p, out long deleted) || !Int(lp, ref p, out long masterFields)) return false;
        if (count < 0 || deleted < 0 || masterFields < 0) return false;
        for (long i = 0; i < masterFields; i++)
        {
            if (!Skip(lp, ref p)) return false;
        }
        if (!Int(lp, ref p, out long zero) || zero != 0) return false;
        long seenDeleted = 0;
        while (!Listpack.AtEnd(lp, p))
        {
            if (!Int(lp, ref p, out long flags) || flags is < 0 or > 3) return false;
            if (!Int(lp, ref p, out long msDiff) || !Int(lp, ref p, out long seqDiff)) return false;
            var id = new StreamId(node.Master.Ms + (ulong)msDiff, node.Master.Seq + (ulong)seqDiff);
            if (id < node.Master || (any && id <= previous)) return false;
            previous = id;
            any = true;
            long fields, elements;
            if ((flags & StreamNode.FlagSameFields) != 0)
            {
                fields = masterFields;
                elements = fields;
            }
            else
            {
                if (!Int(lp, ref p, out fields) || fields < 0) return false;
                elements = fields * 2;
            }
            for (long i = 0; i < elements; i++)
            {
                if (!Skip(lp, ref p)) return false;
            }
            long expected = (flags & StreamNode.FlagSameFields) != 0 ? fields + 3 : fields * 2 + 4;
            if (!Int(lp, ref p, out long lpCount) || lpCount != expected) return false;
            if ((flags & StreamNode.FlagDeleted) != 0) seenDeleted++;
            else live++;
        }
        if (live != count || seenDeleted != deleted || live + seenDeleted == 0) return false;
        error = null;
        return true;
    }

    private static bool Int(byte[] lp, ref int p, out long value)
    {
        value = 0;
        if (Listpack.AtEnd(lp, p)) return false;
        if (!Listpack.Get(lp, p, out value, out int start, out int len) && !Arrakis.Protocol.RespNumber.TryParseInt64(lp.AsSpan(start, len), out value)) return false;
        p = Listpack.Next(lp, p);
        return true;
    }

    private static bool Skip(byte[] lp, ref int p)
    {
        if (Listpack.AtEnd(lp, p)) return false;
        p = Listpack.Next(lp, p);
        return true;
    }
}
