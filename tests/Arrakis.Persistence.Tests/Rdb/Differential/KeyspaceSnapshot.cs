using System.Globalization;
using System.Text;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// One key as compared across implementations: db, key, canonical value (<see cref="RdbTestValues.Canonical"/>),
/// encoding family ("compact" = listpack/intset, "table" = hashtable/skiplist, "quicklist", "string") and expiry.
/// </summary>
internal sealed record KeyState(int Db, string KeyHex, string Value, string Encoding, long ExpireAtMs);

/// <summary>Builds comparable keyspace snapshots from a live redis-server or from RDB entries.</summary>
internal static class KeyspaceSnapshot
{
    /// <summary>Snapshot of entries; strings get Redis's predicted int/embstr/raw when <paramref name="stringEncodings"/>, else "string".</summary>
    public static SortedDictionary<string, KeyState> FromEntries(IEnumerable<RdbEntry> entries, bool stringEncodings)
    {
        var result = new SortedDictionary<string, KeyState>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            string family = Family(e.Value);
            if (stringEncodings && family == "string") family = StringEncoding(e.Value.String!);
            var s = new KeyState(e.Db, Convert.ToHexString(e.Key), RdbTestValues.Canonical(e.Value), family, e.ExpireAtMs);
            result.Add($"{s.Db}/{s.KeyHex}", s);
        }
        return result;
    }

    /// <summary>The encoding family Redis would report for a value written with its hint.</summary>
    public static string Family(RdbValue v) => v.Kind switch
    {
        RdbValueKind.String => "string",
        RdbValueKind.List => "quicklist",
        _ => v.Hint == RdbEncodingHint.Compact ? "compact" : "table",
    };

    /// <summary>tryObjectEncoding: "int" for canonical int64s of at most 20 bytes, "embstr" up to 44 bytes, else "raw".</summary>
    public static string StringEncoding(byte[] s) =>
        s.Length <= 20 && Arrakis.Persistence.Rdb.Encodings.RedisNumbers.TryParseInt64(s, out _) ? "int" : s.Length <= 44 ? "embstr" : "raw";

    /// <summary>Snapshot of a live server; strings keep their OBJECT ENCODING when <paramref name="stringEncodings"/>.</summary>
    public static SortedDictionary<string, KeyState> FromServer(RespClient c, bool stringEncodings, int databases = 16)
    {
        var result = new SortedDictionary<string, KeyState>(StringComparer.Ordinal);
        for (int db = 0; db < databases; db++)
        {
            c.Ok("SELECT", db);
            foreach (var k in (object?[])c.Ok("KEYS", "*")!)
            {
                var key = (byte[])k!;
                var value = ReadValue(c, key);
                string enc = Encoding.ASCII.GetString((byte[])c.Ok("OBJECT", "ENCODING", key)!);
                string family = enc switch
                {
                    "listpack" or "intset" => "compact",
                    "hashtable" or "skiplist" => "table",
                    "quicklist" => "quicklist",
                    _ => stringEncodings ? enc : "string",
                };
                long ttl = (long)c.Ok("PEXPIRETIME", key)!;
                var s = new KeyState(db, Convert.ToHexString(key), RdbTestValues.Canonical(value), family, ttl < 0 ? 0 : ttl);
                result.Add($"{s.Db}/{s.KeyHex}", s);
            }
        }
        c.Ok("SELECT", 0);
        return result;
    }

    public static RdbValue ReadValue(RespClient c, byte[] key)
    {
        string type = (string)c.Ok("TYPE", key)!;
        static List<byte[]> Bulk(object? r) => ((object?[])r!).Select(x => (byte[])x!).ToList();
        switch (type)
        {
            case "string": return RdbValue.FromString((byte[])c.Ok("GET", key)!);
            case "list": return RdbValue.FromList(Bulk(c.Ok("LRANGE", key, 0, -1)));
            case "set": return RdbValue.FromSet(Bulk(c.Ok("SMEMBERS", key)), RdbEncodingHint.Table);
            case "hash":
                {
                    var flat = Bulk(c.Ok("HGETALL", key));
                    var pairs = new List<KeyValuePair<byte[], byte[]>>();
                    for (int i = 0; i < flat.Count; i += 2) pairs.Add(new(flat[i], flat[i + 1]));
                    return RdbValue.FromHash(pairs, RdbEncodingHint.Table);
                }
            case "zset":
                {
                    var flat = Bulk(c.Ok("ZRANGE", key, 0, -1, "WITHSCORES"));
                    var pairs = new List<KeyValuePair<byte[], double>>();
                    for (int i = 0; i < flat.Count; i += 2) pairs.Add(new(flat[i], ParseScore(flat[i + 1])));
                    return RdbValue.FromSortedSet(pairs, RdbEncodingHint.Table);
                }
            default: throw new InvalidOperationException("unexpected type " + type);
        }
    }

    public static string FormatScore(double d) => double.IsPositiveInfinity(d) ? "+inf" : double.IsNegativeInfinity(d) ? "-inf"
        : d.ToString("R", CultureInfo.InvariantCulture);

    private static double ParseScore(byte[] s)
    {
        string t = Encoding.ASCII.GetString(s);
        return t switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.Parse(t, CultureInfo.InvariantCulture),
        };
    }
}
