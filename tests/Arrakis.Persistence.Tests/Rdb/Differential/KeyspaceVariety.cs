using System.Text;
using Arrakis.Persistence.Rdb;
using static Arrakis.Persistence.Tests.Rdb.RdbTestValues;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// A keyspace with every type in both encodings (hints chosen as Redis 7.0 with default limits
/// would: 512 hash / 128 zset entries and 64 bytes for listpacks, 512 for intsets), several dbs, expiries, LZF-sized
/// values, empty strings, integers at the limits, binary keys, lists over 8 KB.
/// </summary>
internal static class KeyspaceVariety
{
    public static List<RdbEntry> Build(long nowMs)
    {
        var rng = new Random(1234);
        var list = new List<RdbEntry>();
        void Add(int db, string key, RdbValue v, long expire = 0) => list.Add(new RdbEntry(db, B(key), expire, v, -1, -1));
        void AddRaw(int db, byte[] key, RdbValue v, long expire = 0) => list.Add(new RdbEntry(db, key, expire, v, -1, -1));

        Add(0, "str:empty", Str(""));
        Add(0, "str:hello", Str("hello"));
        string[] ints = ["0", "-1", "127", "-128", "128", "32767", "-32768", "32768", "2147483647", "-2147483648", "2147483648",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "+5", "-0", "1.5"];
        for (int i = 0; i < ints.Length; i++) Add(0, "str:int:" + i, Str(ints[i]));
        Add(0, "str:lzf", Str(string.Concat(Enumerable.Repeat("abcdefghij0123456789", 5000))));
        Add(0, "str:21", Str("aaaaaaaaaaaaaaaaaaaaa"));
        var random = new byte[3000];
        rng.NextBytes(random);
        Add(0, "str:random", RdbValue.FromString(random));
        Add(0, "str:44", Str(new string('e', 44)));
        Add(0, "str:45", Str(new string('r', 45)));
        AddRaw(0, [0, 0xFF, (byte)'\r', (byte)'\n', 0x80, (byte)' '], Str("binary key"));
        AddRaw(0, [], Str("empty key"));

        Add(0, "list:small", List("a", "b", "", "1", "-7", "c"));
        Add(0, "list:big", RdbValue.FromList(Enumerable.Range(0, 3000).Select(i => B($"element-{i:D8}-{i * 7919 % 1000}")).ToList()));
        Add(0, "list:bigelems", RdbValue.FromList(Enumerable.Range(0, 6).Select(i => B(new string((char)('a' + i), 9000 + i))).ToList()));
        Add(0, "list:ints", RdbValue.FromList(Enumerable.Range(-300, 600).Select(i => B((i * 104729L).ToString())).Concat(ints.Select(B)).ToList()));

        Add(0, "set:intset", RdbValue.FromSet(Enumerable.Range(1, 100).Select(i => B(i.ToString())).ToList(), RdbEncodingHint.Compact));
        Add(0, "set:intset64", Set(RdbEncodingHint.Compact, "-9223372036854775808", "9223372036854775807", "0", "-1", "70000"));
        Add(0, "set:strings", Set(RdbEncodingHint.Table, "apple", "banana", "", "cherry", "1"));
        Add(0, "set:bigints", RdbValue.FromSet(Enumerable.Range(0, 600).Select(i => B((i * 31).ToString())).ToList(), RdbEncodingHint.Table));
        Add(0, "set:bigstrings", RdbValue.FromSet(Enumerable.Range(0, 700).Select(i => B("m" + i)).ToList(), RdbEncodingHint.Table));

        Add(0, "hash:small", Hash(RdbEncodingHint.Compact, ("f", "v"), ("n", "12"), ("", "empty field"), ("neg", "-4096"), ("e", "")));
        Add(0, "hash:big", RdbValue.FromHash(Enumerable.Range(0, 600).Select(i => new KeyValuePair<byte[], byte[]>(B("field" + i), B("value" + i * i))).ToList(), RdbEncodingHint.Table));
        Add(0, "hash:longvalue", Hash(RdbEncodingHint.Table, ("f", new string('v', 100)), ("g", "short")));

        Add(0, "zset:small", Zset(RdbEncodingHint.Compact, ("a", 1), ("b", 1.5), ("c", 0.1), ("d", -2), ("e", 1e20), ("f", double.PositiveInfinity),
            ("g", double.NegativeInfinity), ("h", 3), ("i", -1e-7), ("j", 123456789012.5)));
        Add(0, "zset:big", RdbValue.FromSortedSet(Enumerable.Range(0, 600).Select(i => new KeyValuePair<byte[], double>(B("member" + i), (i % 50) * 0.25 - 3)).ToList(), RdbEncodingHint.Table));
        Add(0, "zset:longmember", Zset(RdbEncodingHint.Table, (new string('m', 70), 1), ("x", double.PositiveInfinity)));

        AddBoundaries(list);

        long exp = nowMs + 3_600_000;
        Add(1, "ttl:string", Str("expiring"), exp + 1);
        Add(1, "ttl:list", List("x", "y"), exp + 2);
        Add(1, "ttl:hash", Hash(RdbEncodingHint.Compact, ("a", "b")), exp + 3);
        Add(1, "noexpire", Str("stays"));
        Add(3, "db3:set", Set(RdbEncodingHint.Compact, "5", "3"), exp + 4);
        Add(3, "db3:zset", Zset(RdbEncodingHint.Compact, ("only", 42)));
        AddRaw(15, Encoding.UTF8.GetBytes("ключ-🔑"), Str("utf8 key"), exp + 5);
        return list;
    }

    /// <summary>
    /// Sizes on both sides of Redis 7.0's default encoding limits, in db 4: hash-max-listpack-entries
    /// 512, zset-max-listpack-entries 128, *-max-listpack-value 64, set-max-intset-entries 512.
    /// </summary>
    private static void AddBoundaries(List<RdbEntry> list)
    {
        void Add(string key, RdbValue v) => list.Add(new RdbEntry(4, B(key), 0, v, -1, -1));
        static RdbEncodingHint Hint(bool compact) => compact ? RdbEncodingHint.Compact : RdbEncodingHint.Table;
        foreach (int n in new[] { 512, 513 })
            Add("hash:" + n, RdbValue.FromHash(Enumerable.Range(0, n).Select(i => new KeyValuePair<byte[], byte[]>(B("f" + i), B("v" + i))).ToList(), Hint(n <= 512)));
        foreach (int n in new[] { 128, 129 })
            Add("zset:" + n, RdbValue.FromSortedSet(Enumerable.Range(0, n).Select(i => new KeyValuePair<byte[], double>(B("m" + i), i / 3.0)).ToList(), Hint(n <= 128)));
        foreach (int len in new[] { 64, 65 })
        {
            Add("hash:value" + len, Hash(Hint(len <= 64), ("f", new string('v', len))));
            Add("hash:field" + len, Hash(Hint(len <= 64), (new string('f', len), "v")));
            Add("zset:member" + len, Zset(Hint(len <= 64), (new string('m', len), 1)));
        }
        foreach (int n in new[] { 512, 513 })
            Add("set:" + n, RdbValue.FromSet(Enumerable.Range(0, n).Select(i => B((i * 3 - 700).ToString())).ToList(), Hint(n <= 512)));
        Add("list:8k", RdbValue.FromList(Enumerable.Range(0, 2000).Select(i => B(new string('x', i % 300))).ToList()));
    }

    /// <summary>Writes the entries grouped by db with SELECTDB/RESIZEDB.</summary>
    public static void Write(RdbWriter w, List<RdbEntry> entries)
    {
        w.WriteHeader();
        foreach (var group in entries.GroupBy(e => e.Db).OrderBy(g => g.Key))
        {
            w.SelectDb(group.Key, group.Count(), group.Count(e => e.ExpireAtMs != 0));
            foreach (var e in group) w.WriteEntry(e.Key, e.Value, e.ExpireAtMs);
        }
        w.Finish();
    }

    /// <summary>Creates the entries in a live server with ordinary commands.</summary>
    public static void Load(RespClient c, List<RdbEntry> entries)
    {
        foreach (var e in entries)
        {
            c.Ok("SELECT", e.Db);
            var v = e.Value;
            switch (v.Kind)
            {
                case RdbValueKind.String: c.Ok("SET", e.Key, v.String!); break;
                case RdbValueKind.List:
                    foreach (var chunk in v.Elements!.Chunk(200)) c.Ok([.. new object[] { "RPUSH", e.Key }, .. chunk]);
                    break;
                case RdbValueKind.Set:
                    foreach (var chunk in v.Elements!.Chunk(200)) c.Ok([.. new object[] { "SADD", e.Key }, .. chunk]);
                    break;
                case RdbValueKind.Hash:
                    foreach (var chunk in v.Pairs!.Chunk(100)) c.Ok([.. new object[] { "HSET", e.Key }, .. chunk.SelectMany(p => new object[] { p.Key, p.Value })]);
                    break;
                default:
                    foreach (var chunk in v.Scored!.Chunk(100))
                        c.Ok([.. new object[] { "ZADD", e.Key }, .. chunk.SelectMany(p => new object[] { KeyspaceSnapshot.FormatScore(p.Value), p.Key })]);
                    break;
            }
            if (e.ExpireAtMs != 0) c.Ok("PEXPIREAT", e.Key, e.ExpireAtMs);
        }
        c.Ok("SELECT", 0);
    }
}
