using System.Text;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Persistence.Tests.Rdb;

/// <summary>Builders and comparisons of <see cref="RdbValue"/> for tests.</summary>
internal static class RdbTestValues
{
    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static RdbValue Str(string s) => RdbValue.FromString(B(s));

    /// <summary>A one-node stream as Redis 7.0 lays it out (entry 1-1 with f=v), a group with one pending entry and its consumer.</summary>
    public static RdbValue Stream()
    {
        var s = new RdbStream { Length = 1, LastId = (1, 1), FirstId = (1, 1), EntriesAdded = 1 };
        var key = new byte[16];
        key[7] = 1;
        key[15] = 1;
        s.Nodes.Add((key, Arrakis.Persistence.Rdb.Encodings.ListpackBuilder.Build(new[] { "1", "0", "1", "f", "0", "2", "0", "0", "v", "4" }.Select(B))));
        var g = new RdbStreamGroup { Name = B("g"), LastId = (1, 1), EntriesRead = 1 };
        g.Pending.Add((key, 1_800_000_000_000, 2));
        var c = new RdbStreamConsumer { Name = B("alice"), SeenTime = 1_800_000_000_001 };
        c.Pending.Add(key);
        g.Consumers.Add(c);
        s.Groups.Add(g);
        return RdbValue.FromStream(s);
    }

    public static RdbValue List(params string[] items) => RdbValue.FromList(items.Select(B).ToList());

    public static RdbValue Set(RdbEncodingHint hint, params string[] items) => RdbValue.FromSet(items.Select(B).ToList(), hint);

    public static RdbValue Hash(RdbEncodingHint hint, params (string F, string V)[] pairs) =>
        RdbValue.FromHash(pairs.Select(p => new KeyValuePair<byte[], byte[]>(B(p.F), B(p.V))).ToList(), hint);

    public static RdbValue Zset(RdbEncodingHint hint, params (string M, double S)[] pairs) =>
        RdbValue.FromSortedSet(pairs.Select(p => new KeyValuePair<byte[], double>(B(p.M), p.S)).ToList(), hint);

    /// <summary>A canonical text form: strings and lists in order, sets/hashes sorted, zsets by (score, member).</summary>
    public static string Canonical(RdbValue v) => Arrakis.Fuzz.Targets.ValueText.Of(v);
}
