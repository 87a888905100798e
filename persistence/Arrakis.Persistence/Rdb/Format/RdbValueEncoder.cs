using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// Encodes an <see cref="RdbValue"/> as Redis 7.0's rdbSaveObject does: the type byte Redis would
/// use for the requested encoding, then the body. Shared by the file writer and DUMP payloads.
/// </summary>
internal static class RdbValueEncoder
{
    /// <summary>list-max-listpack-size -2: a quicklist node's listpack stays within 8 KB.</summary>
    private const int QuicklistNodeLimit = 8192;

    /// <summary>quicklist.c's SIZE_ESTIMATE_OVERHEAD: the bytes an entry adds besides its data, overestimated.</summary>
    private const int SizeEstimateOverhead = 8;

    /// <summary>Elements this large go to their own PLAIN node (quicklist's packed_threshold, 1 GB).</summary>
    private const long PlainThreshold = 1L << 30;

    /// <summary>The RDB type byte for <paramref name="v"/>. Throws ArgumentException for an empty aggregate (a bug: Redis never stores one).</summary>
    public static byte TypeOf(RdbValue v)
    {
        if (v.Kind is not (RdbValueKind.String or RdbValueKind.Stream) && v.Count == 0)
            throw new ArgumentException("Redis never stores an empty " + v.Kind, nameof(v));
        bool compact = v.Hint == RdbEncodingHint.Compact;
        return v.Kind switch
        {
            RdbValueKind.String => RdbFormat.TypeString,
            RdbValueKind.List => RdbFormat.TypeListQuicklist2,
            RdbValueKind.Set => compact && AllIntegers(v.Elements!) ? RdbFormat.TypeSetIntset : RdbFormat.TypeSet,
            RdbValueKind.Hash => compact ? RdbFormat.TypeHashListpack : RdbFormat.TypeHash,
            RdbValueKind.Stream => RdbFormat.TypeStreamListpacks2,
            _ => compact ? RdbFormat.TypeZsetListpack : RdbFormat.TypeZset2,
        };
    }

    /// <summary>Writes the body of <paramref name="v"/> for type <paramref name="type"/> (from <see cref="TypeOf"/>).</summary>
    public static void WriteBody(RdbOutput o, RdbValue v, byte type)
    {
        switch (type)
        {
            case RdbFormat.TypeString: o.WriteString(v.String!); break;
            case RdbFormat.TypeStreamListpacks2: RdbStreamCodec.Write(o, v.Stream!); break;
            case RdbFormat.TypeListQuicklist2: WriteQuicklist(o, v.Elements!); break;
            case RdbFormat.TypeSetIntset: o.WriteString(Intset.Encode(v.Elements!.Select(Parse))); break;
            case RdbFormat.TypeSet:
                o.WriteLength((ulong)v.Elements!.Count);
                foreach (var m in v.Elements) o.WriteString(m);
                break;
            case RdbFormat.TypeHashListpack:
                o.WriteString(ListpackBuilder.Build(v.Pairs!.SelectMany(p => new[] { p.Key, p.Value })));
                break;
            case RdbFormat.TypeHash:
                o.WriteLength((ulong)v.Pairs!.Count);
                foreach (var p in v.Pairs)
                {
                    o.WriteString(p.Key);
                    o.WriteString(p.Value);
                }
                break;
            case RdbFormat.TypeZsetListpack:
                o.WriteString(ListpackBuilder.Build(Sorted(v.Scored!).SelectMany(p => new[] { p.Key, RedisNumbers.FormatDouble(p.Value) })));
                break;
            default:
                WriteSkiplist(o, v.Scored!);
                break;
        }
    }

    /// <summary>
    /// Redis saves a skiplist from its tail (highest score first) so that loading inserts at the
    /// head; the reader reverses it back to ascending order.
    /// </summary>
    private static void WriteSkiplist(RdbOutput o, List<KeyValuePair<byte[], double>> scored)
    {
        var sorted = Sorted(scored);
        o.WriteLength((ulong)sorted.Count);
        for (int i = sorted.Count - 1; i >= 0; i--)
        {
            o.WriteString(sorted[i].Key);
            o.WriteBinaryDouble(sorted[i].Value);
        }
    }

    /// <summary>
    /// Nodes split as RPUSH into a quicklist with fill -2 would split them (7.0.15's
    /// _quicklistNodeAllowInsert: a new node when node bytes + element length + 8 exceed 8192).
    /// </summary>
    private static void WriteQuicklist(RdbOutput o, List<byte[]> elements)
    {
        var nodes = new List<(int Container, byte[] Blob)>();
        ListpackBuilder? current = null;
        foreach (var e in elements)
        {
            if (e.Length >= PlainThreshold)
            {
                Close(nodes, ref current);
                nodes.Add((RdbFormat.ContainerPlain, e));
                continue;
            }
            if (current != null)
            {
                long newSize = (long)current.TotalBytes + e.Length + SizeEstimateOverhead;
                if (newSize > QuicklistNodeLimit) Close(nodes, ref current);
            }
            current ??= new ListpackBuilder();
            current.Append(e);
        }
        Close(nodes, ref current);
        o.WriteLength((ulong)nodes.Count);
        foreach (var (container, blob) in nodes)
        {
            o.WriteLength((ulong)container);
            o.WriteString(blob);
        }
    }

    private static void Close(List<(int, byte[])> nodes, ref ListpackBuilder? current)
    {
        if (current == null) return;
        nodes.Add((RdbFormat.ContainerPacked, current.ToArray()));
        current = null;
    }

    private static List<KeyValuePair<byte[], double>> Sorted(List<KeyValuePair<byte[], double>> scored)
    {
        var copy = new List<KeyValuePair<byte[], double>>(scored);
        copy.Sort(static (a, b) =>
        {
            int c = a.Value.CompareTo(b.Value);
            return c != 0 ? c : a.Key.AsSpan().SequenceCompareTo(b.Key);
        });
        return copy;
    }

    private static bool AllIntegers(List<byte[]> members)
    {
        foreach (var m in members)
            if (!RedisNumbers.TryParseInt64(m, out _)) return false;
        return true;
    }

    private static long Parse(byte[] m)
    {
        RedisNumbers.TryParseInt64(m, out long v);
        return v;
    }
}
