using Arrakis.Persistence.Rdb;
using Arrakis.Server.Commands;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Durability;

/// <summary>
/// Our values to and from the RDB value model: the encoding hint is the one our value has (the one
/// Redis would have: we follow its thresholds), so DUMP and snapshots carry Redis's own layout.
/// Values read back are rebuilt through the types' own operations, which pick the encoding as Redis's
/// loader does.
/// </summary>
internal static class RdbValues
{
    public static RdbValue ToRdb(object value) => value switch
    {
        byte[] s => RdbValue.FromString(s),
        GrowableString g => RdbValue.FromString(g.ToExact()),
        ListValue l => RdbValue.FromList(Enumerable.Range(0, l.Count).Select(i => l[i].ToArray()).ToList()),
        SetValue s => RdbValue.FromSet(s.Members.ToList(), s.IsIntset ? RdbEncodingHint.Compact : RdbEncodingHint.Table),
        HashValue h => RdbValue.FromHash(h.Entries.ToList(), h.IsListpack ? RdbEncodingHint.Compact : RdbEncodingHint.Table),
        SortedSetValue z => RdbValue.FromSortedSet(z.Ascending().Select(p => new KeyValuePair<byte[], double>(p.Member, p.Score)).ToList(),
            z.IsListpack ? RdbEncodingHint.Compact : RdbEncodingHint.Table),
        Commands.Streams.StreamValue x => Commands.Streams.StreamRdb.ToRdb(x),
        _ => throw new InvalidOperationException("unknown value type " + value.GetType()),
    };

    /// <summary>Builds our value from an RDB value; null for an empty collection (Redis skips those too).</summary>
    public static object? FromRdb(RdbValue v, out byte flags)
    {
        flags = 0;
        switch (v.Kind)
        {
            case RdbValueKind.String:
                return v.String!;
            case RdbValueKind.List:
                if (v.Elements!.Count == 0) return null;
                var list = new ListValue();
                foreach (var e in v.Elements) list.PushRight(e);
                return list;
            case RdbValueKind.Set:
                return v.Elements!.Count == 0 ? null : SetValue.From(v.Elements);
            case RdbValueKind.Hash:
                if (v.Pairs!.Count == 0) return null;
                var hash = new HashValue();
                foreach (var (field, value) in v.Pairs) hash.Set(field, value);
                return hash;
            case RdbValueKind.SortedSet:
                if (v.Scored!.Count == 0) return null;
                var zset = new SortedSetValue();
                foreach (var (member, score) in v.Scored) zset.Set(member, score);
                return zset;
            case RdbValueKind.Stream:
                return Commands.Streams.StreamRdb.FromRdb(v.Stream!, out _);
            default:
                return null;
        }
    }

}
