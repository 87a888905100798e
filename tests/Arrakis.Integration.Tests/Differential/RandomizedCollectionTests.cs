using System.Globalization;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>
/// Seeded random workloads per data type over a handful of keys, every reply compared with
/// redis-server's. Commands whose result is random by definition (SPOP, *RANDMEMBER, HRANDFIELD)
/// are covered by the scripted tests instead; replies whose order Redis leaves unspecified
/// (hashtable-encoded sets) are compared as multisets.
/// </summary>
[Collection("servers")]
public sealed class RandomizedCollectionTests(ServerPairFixture servers)
{
    public static TheoryData<string, RespVersion, int> Cases
    {
        get
        {
            var data = new TheoryData<string, RespVersion, int>();
            foreach (var type in new[] { "list", "hash", "set", "zset", "bigzset" })
            {
                data.Add(type, RespVersion.Resp2, 11);
                data.Add(type, RespVersion.Resp3, 12);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Random_workload_matches_redis(string type, RespVersion protocol, int seed)
    {
        using var h = new DifferentialHarness(servers, protocol);
        var rng = new Random(seed);
        var g = new Generator(rng);
        Func<(Compare, string[])> next = type switch
        {
            "list" => g.List,
            "hash" => g.Hash,
            "set" => g.Set,
            "bigzset" => g.BigSortedSet,
            _ => g.SortedSet,
        };
        if (type == "bigzset")
        {
            // Start above zset-max-listpack-entries so the skip list is what gets compared.
            for (int k = 0; k < 2; k++) h.Run(["ZADD", "bz" + k, .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i % 50).ToString(CultureInfo.InvariantCulture), "m" + i })]);
            h.Run(["ZADD", "lexz", .. Enumerable.Range(0, 300).SelectMany(i => new[] { "0", "m" + i.ToString("D3", CultureInfo.InvariantCulture) })]);
            h.Run("OBJECT", "ENCODING", "bz0");
        }
        for (int i = 0; i < 2500; i++)
        {
            var (mode, cmd) = next();
            h.Run(mode, cmd);
        }
        h.AssertNoDifferences();
    }

    private sealed class Generator(Random rng)
    {
        private string Key(string prefix) => prefix + rng.Next(4);
        private string Int(int min, int max) => rng.Next(min, max).ToString(CultureInfo.InvariantCulture);
        private string Elem() => rng.Next(3) == 0 ? Int(-5, 20) : "e" + rng.Next(12);
        private string Score() => rng.Next(6) switch { 0 => "-inf", 1 => "+inf", 2 => (rng.Next(-20, 20) / 4.0).ToString(CultureInfo.InvariantCulture), _ => Int(-10, 10) };
        private string Bound() => rng.Next(5) switch { 0 => "-inf", 1 => "+inf", 2 => "(" + Int(-10, 10), _ => Int(-10, 10) };
        private string Lex() => rng.Next(6) switch { 0 => "-", 1 => "+", 2 => "(e" + rng.Next(12), _ => "[e" + rng.Next(12) };
        private string Side() => rng.Next(2) == 0 ? "LEFT" : "RIGHT";
        private static (Compare, string[]) X(params string[] a) => (Compare.Exact, a);
        private static (Compare, string[]) U(params string[] a) => (Compare.Unordered, a);

        public (Compare, string[]) List()
        {
            string k = Key("l");
            return rng.Next(17) switch
            {
                0 => X(["LPUSH", k, .. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Elem())]),
                1 => X(["RPUSH", k, .. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Elem())]),
                2 => X("LPUSHX", k, Elem()),
                3 => X(rng.Next(2) == 0 ? "LPOP" : "RPOP", k),
                4 => X(rng.Next(2) == 0 ? "LPOP" : "RPOP", k, Int(0, 4)),
                5 => X("LRANGE", k, Int(-6, 6), Int(-6, 6)),
                6 => X("LINDEX", k, Int(-6, 6)),
                7 => X("LSET", k, Int(-4, 4), Elem()),
                8 => X("LREM", k, Int(-2, 3), Elem()),
                9 => X("LTRIM", k, Int(-5, 5), Int(-5, 5)),
                10 => X("LINSERT", k, rng.Next(2) == 0 ? "BEFORE" : "AFTER", Elem(), Elem()),
                11 => X("LPOS", k, Elem(), "RANK", rng.Next(2) == 0 ? "1" : "-1", "COUNT", Int(0, 3)),
                12 => X("LMOVE", k, Key("l"), Side(), Side()),
                13 => X("RPOPLPUSH", k, Key("l")),
                14 => X("LMPOP", "2", k, Key("l"), Side(), "COUNT", Int(1, 4)),
                15 => X("LLEN", k),
                _ => X("BLPOP", k, Key("l"), "0.01"),
            };
        }

        public (Compare, string[]) Hash()
        {
            string k = Key("h");
            string f = "f" + rng.Next(10);
            return rng.Next(14) switch
            {
                0 => X(["HSET", k, .. Enumerable.Range(0, rng.Next(1, 3)).SelectMany(_ => new[] { "f" + rng.Next(10), Elem() })]),
                1 => X("HSETNX", k, f, Elem()),
                2 => X("HGET", k, f),
                3 => X("HMGET", k, f, "f" + rng.Next(10)),
                4 => X("HDEL", k, f, "f" + rng.Next(10)),
                5 => X("HLEN", k),
                6 => X("HSTRLEN", k, f),
                7 => X("HEXISTS", k, f),
                8 => X("HKEYS", k),
                9 => X("HVALS", k),
                10 => X("HGETALL", k),
                11 => X("HINCRBY", k, f, Int(-5, 5)),
                12 => X("HINCRBYFLOAT", k, f, (rng.Next(-8, 8) / 4.0).ToString(CultureInfo.InvariantCulture)),
                _ => X("HSCAN", k, "0"),
            };
        }

        public (Compare, string[]) Set()
        {
            string k = Key("s");
            return rng.Next(15) switch
            {
                0 or 1 => X(["SADD", k, .. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Elem())]),
                2 => X("SREM", k, Elem(), Elem()),
                3 => X("SCARD", k),
                4 => X("SISMEMBER", k, Elem()),
                5 => X("SMISMEMBER", k, Elem(), Elem()),
                6 => U("SMEMBERS", k),
                7 => X("SMOVE", k, Key("s"), Elem()),
                8 => U("SINTER", k, Key("s")),
                9 => U("SUNION", k, Key("s")),
                10 => U("SDIFF", k, Key("s")),
                11 => X(new[] { "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE" }[rng.Next(3)], Key("s"), k, Key("s")),
                12 => X("SINTERCARD", "2", k, Key("s")),
                13 => X("OBJECT", "ENCODING", k),
                _ => X("SCARD", k),
            };
        }

        public (Compare, string[]) BigSortedSet()
        {
            string k = "bz" + rng.Next(2);
            string m = "m" + rng.Next(320);
            string lex = (rng.Next(3) == 0 ? "(" : "[") + "m" + rng.Next(300).ToString("D3", CultureInfo.InvariantCulture);
            return rng.Next(16) switch
            {
                0 or 1 => X("ZADD", k, Int(-5, 60), m),
                2 => X("ZREM", k, m, "m" + rng.Next(320)),
                3 => X("ZRANK", k, m),
                4 => X("ZREVRANK", k, m),
                5 => X("ZSCORE", k, m),
                6 => X("ZRANGE", k, Int(-320, 320), Int(-320, 320), "WITHSCORES"),
                7 => X("ZRANGE", k, Bound(), Bound(), "BYSCORE", "LIMIT", Int(0, 40), Int(-1, 30)),
                8 => X("ZRANGE", k, Bound(), Bound(), "BYSCORE", "REV", "LIMIT", Int(0, 40), Int(1, 30)),
                9 => X("ZCOUNT", k, Bound(), Bound()),
                10 => X("ZRANGEBYLEX", "lexz", lex, rng.Next(4) == 0 ? "+" : "[m" + rng.Next(300).ToString("D3", CultureInfo.InvariantCulture), "LIMIT", Int(0, 5), Int(1, 20)),
                11 => X("ZLEXCOUNT", "lexz", lex, "+"),
                12 => X(rng.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", k, Int(1, 4)),
                13 => X("ZREMRANGEBYRANK", k, Int(0, 5), Int(5, 8)),
                14 => X("ZINTERSTORE", "bzi", "2", "bz0", "bz1", "AGGREGATE", "MIN"),
                _ => X("ZRANGE", "bzi", "0", "20", "WITHSCORES"),
            };
        }

        public (Compare, string[]) SortedSet()
        {
            string k = Key("z");
            return rng.Next(20) switch
            {
                0 or 1 => X(["ZADD", k, .. new[] { "NX", "XX", "GT", "LT", "CH" }.Where(_ => rng.Next(5) == 0).Take(1), .. Enumerable.Range(0, rng.Next(1, 3)).SelectMany(_ => new[] { Score(), "e" + rng.Next(12) })]),
                2 => X("ZINCRBY", k, Int(-3, 3), "e" + rng.Next(12)),
                3 => X("ZREM", k, "e" + rng.Next(12)),
                4 => X("ZSCORE", k, "e" + rng.Next(12)),
                5 => X("ZRANK", k, "e" + rng.Next(12)),
                6 => X("ZREVRANK", k, "e" + rng.Next(12)),
                7 => X("ZCOUNT", k, Bound(), Bound()),
                8 => X("ZRANGE", k, Int(-5, 5), Int(-5, 5), "WITHSCORES"),
                9 => X("ZRANGE", k, Bound(), Bound(), "BYSCORE", "LIMIT", Int(0, 3), Int(-1, 4)),
                10 => X("ZRANGE", k, Bound(), Bound(), "BYSCORE", "REV", "WITHSCORES"),
                11 => X("ZRANGEBYLEX", k, Lex(), Lex()),
                12 => X("ZLEXCOUNT", k, Lex(), Lex()),
                13 => X(rng.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", k, Int(1, 3)),
                14 => X("ZREMRANGEBYSCORE", k, Bound(), Bound()),
                15 => X("ZREMRANGEBYRANK", k, Int(-3, 3), Int(-3, 3)),
                16 => X(["ZUNIONSTORE", Key("z"), "2", k, Key("z"), .. rng.Next(2) == 0 ? new[] { "AGGREGATE", "MAX" } : []]),
                17 => X("ZINTER", "2", k, Key("z"), "WITHSCORES"),
                18 => X("ZDIFF", "2", k, Key("z"), "WITHSCORES"),
                _ => X("ZMPOP", "2", k, Key("z"), rng.Next(2) == 0 ? "MIN" : "MAX"),
            };
        }
    }
}
