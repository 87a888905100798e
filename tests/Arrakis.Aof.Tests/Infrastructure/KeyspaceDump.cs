using System.Text;
using Arrakis.Persistence.Tests.Rdb.Differential;

namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>
/// Every key of databases 0..15 of a live server as "db/key(hex)" -> "type value ttl?": values in a
/// canonical form (sets and hashes sorted), and whether the key has a TTL.
/// </summary>
internal static class KeyspaceDump
{
    public static SortedDictionary<string, string> Read(RespClient c)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int db = 0; db < 16; db++)
        {
            c.Ok("SELECT", db);
            foreach (var k in (object?[])c.Ok("KEYS", "*")!)
            {
                var key = (byte[])k!;
                string type = (string)c.Ok("TYPE", key)!;
                string value = type switch
                {
                    "string" => Hex(c.Ok("GET", key)),
                    "list" => Join(c.Ok("LRANGE", key, 0, -1), sort: false),
                    "set" => Join(c.Ok("SMEMBERS", key), sort: true),
                    "hash" => Pairs(c.Ok("HGETALL", key)),
                    "zset" => Join(c.Ok("ZRANGE", key, 0, -1, "WITHSCORES"), sort: false),
                    _ => "?",
                };
                bool ttl = (long)c.Ok("PTTL", key)! > 0;
                result[$"{db}/{Convert.ToHexString(key)}"] = $"{type} {value}{(ttl ? " ttl" : "")}";
            }
        }
        c.Ok("SELECT", 0);
        return result;
    }

    /// <summary>The differences, one line each (empty when equal).</summary>
    public static List<string> Diff(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var lines = new List<string>();
        foreach (var (k, v) in expected)
            if (!actual.TryGetValue(k, out var a)) lines.Add($"missing {k}: {v}");
            else if (a != v) lines.Add($"differs {k}: expected {v}, got {a}");
        foreach (var k in actual.Keys.Where(k => !expected.ContainsKey(k))) lines.Add($"extra {k}: {actual[k]}");
        return lines;
    }

    private static string Hex(object? o) => o is byte[] b ? Convert.ToHexString(b) : "nil";

    private static string Join(object? o, bool sort)
    {
        var items = ((object?[])o!).Select(Hex).ToList();
        if (sort) items.Sort(StringComparer.Ordinal);
        return "[" + string.Join(",", items) + "]";
    }

    private static string Pairs(object? o)
    {
        var flat = ((object?[])o!).Select(Hex).ToList();
        var pairs = new List<string>();
        for (int i = 0; i + 1 < flat.Count; i += 2) pairs.Add(flat[i] + "=" + flat[i + 1]);
        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", pairs) + "}";
    }

    public static string Text(SortedDictionary<string, string> d) => new StringBuilder().AppendJoin("\n", d.Select(p => $"{p.Key} {p.Value}")).ToString();
}
