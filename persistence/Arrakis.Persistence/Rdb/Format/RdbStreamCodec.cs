using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0's rdbSaveObject writes it and rdbLoadObject reads it
/// (also the 6.x RDB_TYPE_STREAM_LISTPACKS without first/max-deleted IDs, entries added and entries
/// read). Never throws: every failure is recorded on the input with its offset.
/// </summary>
internal static class RdbStreamCodec
{
    public static void Write(RdbOutput o, RdbStream s)
    {
        o.WriteLength((ulong)s.Nodes.Count);
        foreach (var (key, lp) in s.Nodes)
        {
            o.WriteString(key);
            o.WriteString(lp);
        }
        o.WriteLength(s.Length);
        WriteId(o, s.LastId);
        WriteId(o, s.FirstId);
        WriteId(o, s.MaxDeletedId);
        o.WriteLength(s.EntriesAdded);
        o.WriteLength((ulong)s.Groups.Count);
        foreach (var g in s.Groups)
        {
            o.WriteString(g.Name);
            WriteId(o, g.LastId);
            o.WriteLength((ulong)g.EntriesRead);
            o.WriteLength((ulong)g.Pending.Count);
            foreach (var (id, time, count) in g.Pending)
            {
                o.Write(id);
                o.WriteUInt64LittleEndian((ulong)time);
                o.WriteLength(count);
            }
            o.WriteLength((ulong)g.Consumers.Count);
            foreach (var c in g.Consumers)
            {
                o.WriteString(c.Name);
                o.WriteUInt64LittleEndian((ulong)c.SeenTime);
                o.WriteLength((ulong)c.Pending.Count);
                foreach (var id in c.Pending) o.Write(id);
            }
        }
    }

    private static void WriteId(RdbOutput o, (ulong Ms, ulong Seq) id)
    {
        o.WriteLength(id.Ms);
        o.WriteLength(id.Seq);
    }

    public static bool TryRead(RdbInput input, byte type, out RdbValue? value)
    {
        value = null;
        long at = input.Position;
        if (type == RdbFormat.TypeStreamListpacks3) return input.Fail(RdbReadStatus.UnsupportedType, "stream type 21 (Redis 7.2)", at - 1);
        var s = new RdbStream { LegacyV1 = type == RdbFormat.TypeStreamListpacks };
        if (!input.TryReadCount("stream node count", out int nodes)) return false;
        byte[]? previous = null;
        for (int i = 0; i < nodes; i++)
        {
            long keyAt = input.Position;
            if (!input.TryReadString(out byte[] key)) return false;
            if (key.Length != 16) return input.Fail(RdbReadStatus.Corrupt, "stream node key is not a 128-bit ID", keyAt);
            if (previous is not null && previous.AsSpan().SequenceCompareTo(key) >= 0) return input.Fail(RdbReadStatus.Corrupt, "stream node keys out of order", keyAt);
            previous = key;
            long lpAt = input.Position;
            if (!input.TryReadString(out byte[] lp)) return false;
            var elements = new List<byte[]>();
            if (!ListpackReader.TryDecode(lp, elements)) return input.Fail(RdbReadStatus.Corrupt, "stream listpack integrity check failed", lpAt);
            if (elements.Count == 0) return input.Fail(RdbReadStatus.Corrupt, "empty listpack inside stream", lpAt);
            s.Nodes.Add((key, lp));
        }
        if (!input.TryReadLength(ulong.MaxValue, "stream length", out ulong length)) return false;
        s.Length = length;
        if (!TryReadId(input, out var last)) return false;
        s.LastId = last;
        bool v2 = type != RdbFormat.TypeStreamListpacks;
        if (v2)
        {
            if (!TryReadId(input, out var first) || !TryReadId(input, out var maxDeleted)) return false;
            s.FirstId = first;
            s.MaxDeletedId = maxDeleted;
            if (!input.TryReadLength(ulong.MaxValue, "stream entries added", out ulong added)) return false;
            s.EntriesAdded = added;
        }
        else s.EntriesAdded = length; // 6.x, as 7.0 migrates it; the server finds the first ID and estimates entries read
        if (!input.TryReadCount("stream group count", out int groups)) return false;
        for (int g = 0; g < groups; g++)
        {
            if (!TryReadGroup(input, v2, out var group)) return false;
            s.Groups.Add(group);
        }
        value = RdbValue.FromStream(s);
        return true;
    }

    private static bool TryReadGroup(RdbInput input, bool v2, out RdbStreamGroup g)
    {
        g = new RdbStreamGroup();
        long at = input.Position;
        if (!input.TryReadString(out byte[] name)) return false;
        g.Name = name;
        if (!TryReadId(input, out var last)) return false;
        g.LastId = last;
        if (v2)
        {
            if (!input.TryReadLength(ulong.MaxValue, "group entries read", out ulong read)) return false;
            g.EntriesRead = (long)read;
        }
        if (!input.TryReadCount("group PEL size", out int pel)) return false;
        var ids = new HashSet<string>();
        Span<byte> time = stackalloc byte[8];
        for (int i = 0; i < pel; i++)
        {
            var id = new byte[16];
            if (!input.TryReadExact(id) || !input.TryReadExact(time)) return false;
            if (!input.TryReadLength(ulong.MaxValue, "delivery count", out ulong count)) return false;
            if (!ids.Add(Convert.ToHexString(id))) return input.Fail(RdbReadStatus.Corrupt, "duplicated global PEL entry", at);
            g.Pending.Add((id, (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(time), count));
        }
        if (!input.TryReadCount("consumer count", out int consumers)) return false;
        var owned = new HashSet<string>();
        for (int c = 0; c < consumers; c++)
        {
            var consumer = new RdbStreamConsumer();
            if (!input.TryReadString(out byte[] cname)) return false;
            consumer.Name = cname;
            if (!input.TryReadExact(time)) return false;
            consumer.SeenTime = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(time);
            if (!input.TryReadCount("consumer PEL size", out int n)) return false;
            for (int i = 0; i < n; i++)
            {
                var id = new byte[16];
                if (!input.TryReadExact(id)) return false;
                string hex = Convert.ToHexString(id);
                if (!ids.Contains(hex)) return input.Fail(RdbReadStatus.Corrupt, "consumer PEL NACK not found in group PEL", at);
                if (!owned.Add(hex)) return input.Fail(RdbReadStatus.Corrupt, "duplicated consumer PEL entry", at);
                consumer.Pending.Add(id);
            }
            g.Consumers.Add(consumer);
        }
        if (owned.Count != ids.Count) return input.Fail(RdbReadStatus.Corrupt, "group PEL entry without a consumer", at);
        return true;
    }

    private static bool TryReadId(RdbInput input, out (ulong, ulong) id)
    {
        id = default;
        if (!input.TryReadLength(ulong.MaxValue, "stream ID", out ulong ms) || !input.TryReadLength(ulong.MaxValue, "stream ID", out ulong seq)) return false;
        id = (ms, seq);
        return true;
    }
}
