using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>Lists, hashes, sets, sorted sets and HyperLogLog: scripted sequences compared with redis-server in RESP2 and RESP3.</summary>
[Collection("servers")]
public sealed class CollectionDifferentialTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion> Protocols => new() { RespVersion.Resp2, RespVersion.Resp3 };

    [Theory, MemberData(nameof(Protocols))]
    public void List_commands_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        ListScript(h);
        h.AssertNoDifferences();
    }

    /// <summary>The list commands script; the AF_XDP end-to-end tests run it from the peer namespace too.</summary>
    internal static void ListScript(DifferentialHarness h)
    {
        h.Run("RPUSH", "l", "a", "b", "c", "b", "d");
        h.Run("LPUSH", "l", "z");
        h.Run("LPUSHX", "nope", "x");
        h.Run("RPUSHX", "l", "e");
        h.Run("LLEN", "l");
        foreach (var (a, b) in new[] { ("0", "-1"), ("1", "3"), ("-3", "-1"), ("5", "1"), ("-100", "100"), ("x", "1") }) h.Run("LRANGE", "l", a, b);
        foreach (var i in new[] { "0", "-1", "3", "100", "-100", "x" }) h.Run("LINDEX", "l", i);
        h.Run("LSET", "l", "1", "A");
        h.Run("LSET", "l", "100", "A");
        h.Run("LSET", "nope", "0", "A");
        h.Run("LREM", "l", "1", "b");
        h.Run("RPUSH", "l", "b", "b", "b");
        h.Run("LREM", "l", "-2", "b");
        h.Run("LREM", "l", "0", "b");
        h.Run("LRANGE", "l", "0", "-1");
        h.Run("LINSERT", "l", "BEFORE", "c", "C");
        h.Run("LINSERT", "l", "AFTER", "c", "D");
        h.Run("LINSERT", "l", "AFTER", "missing", "D");
        h.Run("LINSERT", "l", "SIDEWAYS", "c", "D");
        h.Run("LINSERT", "nope", "AFTER", "c", "D");
        h.Run("RPUSH", "p", "a", "b", "c", "a", "b", "a");
        foreach (var args in new[] { new[] { "a" }, ["a", "RANK", "2"], ["a", "RANK", "-1"], ["a", "COUNT", "0"], ["a", "COUNT", "2", "RANK", "-1"], ["a", "MAXLEN", "2", "COUNT", "0"], ["zz"], ["zz", "COUNT", "1"], ["a", "RANK", "0"], ["a", "COUNT", "-1"], ["a", "MAXLEN", "-1"], ["a", "BOGUS"] })
            h.Run(["LPOS", "p", .. args]);
        h.Run("LPOP", "p");
        h.Run("RPOP", "p");
        h.Run("LPOP", "p", "2");
        h.Run("LPOP", "p", "0");
        h.Run("LPOP", "p", "-1");
        h.Run("LPOP", "nope");
        h.Run("LPOP", "nope", "2");
        h.Run("RPOP", "p", "10");
        h.Run("EXISTS", "p");
        h.Run("LPOP", "p", "1", "2");
        h.Run("RPUSH", "t", "1", "2", "3", "4", "5");
        h.Run("LTRIM", "t", "1", "-2");
        h.Run("LRANGE", "t", "0", "-1");
        h.Run("LTRIM", "t", "5", "10");
        h.Run("EXISTS", "t");
        h.Run("RPUSH", "m1", "a", "b", "c");
        h.Run("LMOVE", "m1", "m2", "LEFT", "RIGHT");
        h.Run("LMOVE", "m1", "m2", "RIGHT", "LEFT");
        h.Run("LMOVE", "m1", "m1", "LEFT", "RIGHT");
        h.Run("LMOVE", "m1", "m2", "UP", "LEFT");
        h.Run("RPOPLPUSH", "m2", "m3");
        h.Run("RPOPLPUSH", "nope", "m3");
        h.Run("LRANGE", "m2", "0", "-1");
        h.Run("LMPOP", "2", "nope", "m2", "LEFT", "COUNT", "5");
        h.Run("LMPOP", "1", "nope", "RIGHT");
        h.Run("LMPOP", "0", "x", "LEFT");
        h.Run("LMPOP", "5", "x", "LEFT");
        h.Run("LMPOP", "1", "m3", "LEFT", "COUNT", "0");
        h.Run("LMPOP", "1", "m3", "MIDDLE");
        h.Run("SET", "str", "x");
        h.Run("LPUSH", "str", "x");
        h.Run("LRANGE", "str", "0", "1");
        h.Run("RPUSH", "m1", "x");
        h.Run("LMOVE", "m1", "str", "LEFT", "LEFT");
        h.Run("OBJECT", "ENCODING", "m1");
        h.Run("TYPE", "m1");
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Hash_commands_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        HashScript(h);
        h.AssertNoDifferences();
    }

    /// <summary>The hash commands script; the AF_XDP end-to-end tests run it from the peer namespace too.</summary>
    internal static void HashScript(DifferentialHarness h)
    {
        h.Run("HSET", "h", "f1", "v1", "f2", "v2");
        h.Run("HSET", "h", "f1", "V1", "f3", "v3");
        h.Run("HSET", "h", "f1");
        h.Run("HMSET", "h", "f4", "v4");
        h.Run("HSETNX", "h", "f4", "x");
        h.Run("HSETNX", "h", "f5", "v5");
        h.Run("HGET", "h", "f1");
        h.Run("HGET", "h", "nope");
        h.Run("HGET", "nope", "f");
        h.Run("HMGET", "h", "f1", "nope", "f3");
        h.Run("HMGET", "nope", "a");
        h.Run("HLEN", "h");
        h.Run("HSTRLEN", "h", "f1");
        h.Run("HEXISTS", "h", "f2");
        h.Run("HEXISTS", "h", "zz");
        h.Run("HKEYS", "h");
        h.Run("HVALS", "h");
        h.Run("HGETALL", "h");
        h.Run("HGETALL", "nope");
        h.Run("HDEL", "h", "f2", "nope", "f3");
        h.Run("HGETALL", "h");
        h.Run("HINCRBY", "h", "n", "5");
        h.Run("HINCRBY", "h", "n", "-7");
        h.Run("HINCRBY", "h", "f1", "1");
        h.Run("HINCRBY", "h", "n", "x");
        h.Run("HSET", "h", "big", "9223372036854775807");
        h.Run("HINCRBY", "h", "big", "1");
        h.Run("HINCRBYFLOAT", "h", "fl", "10.5");
        h.Run("HINCRBYFLOAT", "h", "fl", "0.1");
        h.Run("HINCRBYFLOAT", "h", "f1", "1");
        h.Run("HINCRBYFLOAT", "h", "fl", "x");
        h.Run("HINCRBY", "newh", "n", "x");
        h.Run("EXISTS", "newh");
        h.Run("OBJECT", "ENCODING", "h");
        h.Run("HSET", "h", "long", new string('v', 65));
        h.Run("OBJECT", "ENCODING", "h");
        h.Run(Compare.Unordered, "HGETALL", "h");
        h.Run("HRANDFIELD", "nope");
        h.Run("HRANDFIELD", "nope", "3");
        h.Run("HRANDFIELD", "h", "0");
        h.Run("HRANDFIELD", "h", "2", "BOGUS");
        h.Run("HRANDFIELD", "h", "x");
        h.Run("HSET", "one", "f", "v");
        h.Run("HRANDFIELD", "one");
        h.Run("HRANDFIELD", "one", "1", "WITHVALUES");
        h.Run("HRANDFIELD", "one", "-2", "WITHVALUES");
        h.Run("HSCAN", "one", "0");
        h.Run(Compare.Unordered, "HSCAN", "h", "0", "MATCH", "f*");
        h.Run("HSCAN", "h", "x");
        h.Run("HDEL", "one", "f");
        h.Run("EXISTS", "one");
        h.Run("SET", "str", "x");
        h.Run("HGET", "str", "f");
        h.Run("HSET", "str", "f", "v");
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Set_commands_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        SetScript(h);
        h.AssertNoDifferences();
    }

    /// <summary>The set commands script; the AF_XDP end-to-end tests run it from the peer namespace too.</summary>
    internal static void SetScript(DifferentialHarness h)
    {
        h.Run("SADD", "i", "3", "1", "2", "1");
        h.Run("SMEMBERS", "i");
        h.Run("OBJECT", "ENCODING", "i");
        h.Run("SADD", "i", "-5", "100");
        h.Run("SMEMBERS", "i");
        h.Run("SADD", "s", "a", "b", "c");
        h.Run(Compare.Unordered, "SMEMBERS", "s");
        h.Run("OBJECT", "ENCODING", "s");
        h.Run("SCARD", "s");
        h.Run("SCARD", "nope");
        h.Run("SISMEMBER", "s", "a");
        h.Run("SISMEMBER", "s", "z");
        h.Run("SMISMEMBER", "s", "a", "z", "c");
        h.Run("SMISMEMBER", "nope", "a");
        h.Run("SREM", "s", "a", "z");
        h.Run("SREM", "nope", "a");
        h.Run("SADD", "j", "2", "3", "4");
        h.Run("SINTER", "i", "j");
        h.Run("SINTER", "i", "nope");
        h.Run("SUNION", "i", "j");
        h.Run("SDIFF", "i", "j");
        h.Run("SDIFF", "nope", "i");
        h.Run("SINTERSTORE", "dst", "i", "j");
        h.Run("SMEMBERS", "dst");
        h.Run("SUNIONSTORE", "dst", "i", "j");
        h.Run("SMEMBERS", "dst");
        h.Run("SDIFFSTORE", "dst", "i", "j");
        h.Run("SMEMBERS", "dst");
        h.Run("SINTERSTORE", "dst", "i", "nope");
        h.Run("EXISTS", "dst");
        h.Run("SINTERCARD", "2", "i", "j");
        h.Run("SINTERCARD", "2", "i", "j", "LIMIT", "1");
        h.Run("SINTERCARD", "0", "i");
        h.Run("SINTERCARD", "3", "i", "j");
        h.Run("SINTERCARD", "2", "i", "j", "LIMIT", "-1");
        h.Run("SINTERCARD", "2", "i", "j", "BOGUS", "1");
        h.Run(Compare.Unordered, "SUNION", "s", "i");
        h.Run("SMOVE", "i", "j", "1");
        h.Run("SMOVE", "i", "j", "1");
        h.Run("SMOVE", "i", "i", "2");
        h.Run("SMOVE", "nope", "j", "1");
        h.Run("SMEMBERS", "j");
        h.Run("SADD", "one", "x");
        h.Run("SPOP", "one");
        h.Run("SPOP", "one");
        h.Run("SPOP", "nope", "3");
        h.Run("SPOP", "i", "0");
        h.Run("SPOP", "i", "-1");
        h.Run("SADD", "one", "x");
        h.Run("SRANDMEMBER", "one");
        h.Run("SRANDMEMBER", "one", "-3");
        h.Run("SRANDMEMBER", "one", "5");
        h.Run("SRANDMEMBER", "nope", "5");
        h.Run("SRANDMEMBER", "nope");
        h.Run("SPOP", "one", "5");
        h.Run("SSCAN", "i", "0");
        h.Run("SSCAN", "i", "0", "MATCH", "1*", "COUNT", "100");
        h.Run("SET", "str", "x");
        h.Run("SADD", "str", "a");
        h.Run("SINTER", "i", "str");
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Sorted_set_commands_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        SortedSetScript(h);
        h.AssertNoDifferences();
    }

    /// <summary>The sorted set commands script; the AF_XDP end-to-end tests run it from the peer namespace too.</summary>
    internal static void SortedSetScript(DifferentialHarness h)
    {
        h.Run("ZADD", "z", "1", "a", "2", "b", "3", "c", "0.5", "x", "-inf", "ninf", "+inf", "pinf");
        h.Run("ZADD", "z", "NX", "10", "a", "4", "d");
        h.Run("ZADD", "z", "XX", "CH", "10", "a", "4", "e");
        h.Run("ZADD", "z", "GT", "CH", "5", "a", "20", "b");
        h.Run("ZADD", "z", "LT", "CH", "5", "a");
        h.Run("ZADD", "z", "INCR", "1.5", "c");
        h.Run("ZADD", "z", "NX", "INCR", "1", "c");
        h.Run("ZADD", "z", "NX", "XX", "1", "c");
        h.Run("ZADD", "z", "GT", "LT", "1", "c");
        h.Run("ZADD", "z", "INCR", "1", "c", "2", "d");
        h.Run("ZADD", "z", "1");
        h.Run("ZADD", "z", "abc", "c");
        h.Run("ZADD", "z", "nan", "c");
        h.Run("ZADD", "nope", "XX", "1", "a");
        h.Run("EXISTS", "nope");
        h.Run("ZINCRBY", "z", "0.1", "x");
        h.Run("ZINCRBY", "z", "-inf", "pinf");
        h.Run("ZINCRBY", "z", "abc", "x");
        h.Run("ZCARD", "z");
        h.Run("ZSCORE", "z", "c");
        h.Run("ZSCORE", "z", "nope");
        h.Run("ZMSCORE", "z", "a", "nope", "x");
        h.Run("ZMSCORE", "nope", "a");
        h.Run("ZRANK", "z", "c");
        h.Run("ZREVRANK", "z", "c");
        h.Run("ZRANK", "z", "nope");
        foreach (var (a, b) in new[] { ("-inf", "+inf"), ("(1", "5"), ("1", "(5"), ("(1", "(1"), ("5", "1"), ("x", "1") }) h.Run("ZCOUNT", "z", a, b);
        foreach (var args in new[] { new[] { "0", "-1" }, ["0", "-1", "WITHSCORES"], ["2", "3", "REV"], ["-2", "-1", "WITHSCORES", "REV"], ["(1", "+inf", "BYSCORE"], ["+inf", "(1", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"], ["-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"], ["-inf", "+inf", "BYSCORE", "LIMIT", "2", "-1"], ["0", "1", "LIMIT", "0", "1"], ["-", "+", "BYLEX", "WITHSCORES"], ["0", "-1", "BYSCORE", "BYLEX"], ["0", "x"], ["0", "-1", "BOGUS"], ["a", "b", "BYSCORE"], ["a", "b", "BYLEX"] })
            h.Run(["ZRANGE", "z", .. args]);
        h.Run("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "1", "3");
        h.Run("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "0", "2");
        h.Run("ZRANGEBYSCORE", "z", "-inf", "+inf", "REV");
        h.Run("ZREVRANGE", "z", "0", "2", "WITHSCORES");
        h.Run("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
        foreach (var (a, b) in new[] { ("-", "+"), ("[b", "(d"), ("(a", "[c"), ("[z", "+"), ("+", "-"), ("a", "b") })
        {
            h.Run("ZRANGEBYLEX", "lex", a, b);
            h.Run("ZLEXCOUNT", "lex", a, b);
        }
        h.Run("ZREVRANGEBYLEX", "lex", "+", "[b", "LIMIT", "1", "2");
        h.Run("ZRANGESTORE", "dst", "z", "0", "2");
        h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        h.Run("ZRANGESTORE", "dst", "z", "10", "20");
        h.Run("EXISTS", "dst");
        h.Run("ZRANGESTORE", "dst", "lex", "[b", "[d", "BYLEX");
        h.Run("ZRANGE", "dst", "0", "-1");
        h.Run("ZREMRANGEBYRANK", "lex", "0", "0");
        h.Run("ZREMRANGEBYLEX", "lex", "[c", "[d");
        h.Run("ZREMRANGEBYSCORE", "z", "(10", "+inf");
        h.Run("ZREMRANGEBYSCORE", "z", "x", "1");
        h.Run("ZRANGE", "z", "0", "-1", "WITHSCORES");
        h.Run("ZREM", "z", "ninf", "nope");
        h.Run("ZPOPMIN", "z");
        h.Run("ZPOPMAX", "z", "2");
        h.Run("ZPOPMIN", "z", "0");
        h.Run("ZPOPMIN", "z", "-1");
        h.Run("ZPOPMIN", "nope");
        h.Run("ZPOPMIN", "nope", "2");
        h.Run("ZMPOP", "2", "nope", "z", "MIN", "COUNT", "2");
        h.Run("ZMPOP", "1", "nope", "MAX");
        h.Run("ZMPOP", "1", "z", "MIDDLE");
        h.Run("ZADD", "u1", "1", "a", "2", "b", "3", "c");
        h.Run("ZADD", "u2", "10", "b", "20", "c", "30", "d");
        h.Run("SADD", "us", "a", "d");
        h.Run("ZUNION", "2", "u1", "u2", "WITHSCORES");
        h.Run("ZUNION", "3", "u1", "u2", "us", "WEIGHTS", "2", "1", "100", "AGGREGATE", "MAX", "WITHSCORES");
        h.Run("ZINTER", "2", "u1", "u2", "AGGREGATE", "MIN", "WITHSCORES");
        h.Run("ZINTER", "2", "u1", "nope");
        h.Run("ZDIFF", "2", "u1", "u2", "WITHSCORES");
        h.Run("ZDIFF", "2", "u1", "u2", "WEIGHTS", "1", "1");
        h.Run("ZUNIONSTORE", "dst", "2", "u1", "u2", "WEIGHTS", "1", "-1");
        h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        h.Run("ZINTERSTORE", "dst", "2", "u1", "u2");
        h.Run("ZDIFFSTORE", "dst", "2", "u2", "u1");
        h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        h.Run("ZINTERCARD", "2", "u1", "u2");
        h.Run("ZINTERCARD", "2", "u1", "u2", "LIMIT", "1");
        h.Run("ZUNION", "0", "u1");
        h.Run("ZUNION", "3", "u1");
        h.Run("ZUNION", "2", "u1", "u2", "WEIGHTS", "1", "x");
        h.Run("ZUNION", "2", "u1", "u2", "AGGREGATE", "AVG");
        h.Run("ZUNIONSTORE", "dst", "0", "u1");
        h.Run("ZADD", "one", "1", "m");
        h.Run("ZRANDMEMBER", "one");
        h.Run("ZRANDMEMBER", "one", "-2", "WITHSCORES");
        h.Run("ZRANDMEMBER", "nope");
        h.Run("ZRANDMEMBER", "nope", "2");
        h.Run("ZSCAN", "u1", "0");
        h.Run("OBJECT", "ENCODING", "u1");
        h.Run("ZADD", "u1", "1", new string('m', 65));
        h.Run("OBJECT", "ENCODING", "u1");
        h.Run("TYPE", "u1");
        h.Run("SET", "str", "x");
        h.Run("ZADD", "str", "1", "a");
        h.Run("ZUNION", "2", "u1", "str");
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Encodings_change_at_redis_size_thresholds(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        for (int i = 0; i < 513; i++)
        {
            h.Run("HSET", "bigh", "f" + i, "v");
            h.Run("SADD", "bigs", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (i < 129) h.Run("ZADD", "bigz", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i);
            if (i is 0 or 127 or 128 or 511 or 512)
            {
                h.Run("OBJECT", "ENCODING", "bigh");
                h.Run("OBJECT", "ENCODING", "bigs");
                h.Run("OBJECT", "ENCODING", "bigz");
            }
        }
        h.Run("HDEL", "bigh", "f0");
        h.Run("OBJECT", "ENCODING", "bigh");
        h.Run("ZRANGESTORE", "smallz", "bigz", "0", "9");
        h.Run("OBJECT", "ENCODING", "smallz");
        h.Run("ZUNIONSTORE", "bigz2", "1", "bigz");
        h.Run("OBJECT", "ENCODING", "bigz2");
        h.Run("SINTERSTORE", "ints", "bigs", "bigs");
        h.Run("OBJECT", "ENCODING", "ints");
        h.Run("SADD", "mixed", "1", "a");
        h.Run("OBJECT", "ENCODING", "mixed");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void HyperLogLog_counts_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("PFADD", "hll", "a", "b", "c");
        h.Run("GET", "hll");
        h.Run("PFADD", "hll", "a");
        h.Run("PFADD", "hll");
        h.Run("PFADD", "empty");
        h.Run("GET", "empty");
        h.Run("PFCOUNT", "empty");
        h.Run("PFCOUNT", "hll");
        h.Run("GET", "hll");
        var rng = new Random(5);
        for (int i = 0; i < 30; i++)
        {
            h.Run(["PFADD", "big", .. Enumerable.Range(0, 10 + i * 10).Select(_ => "e" + rng.Next(100_000))]);
            h.Run("STRLEN", "big");
            if (i % 5 == 0) h.Run("GET", "big");
        }
        h.Run("PFCOUNT", "big");
        h.Run("GET", "big");
        h.Run("PFCOUNT", "big", "hll", "nope");
        h.Run("PFMERGE", "merged", "hll", "empty");
        h.Run("GET", "merged");
        h.Run("PFMERGE", "merged", "big", "hll");
        h.Run("PFCOUNT", "merged");
        h.Run("GET", "merged");
        h.Run("PFMERGE", "merged2");
        h.Run("PFCOUNT", "merged2");
        h.Run("GET", "merged2");
        for (int i = 0; i < 20; i++) h.Run(["PFADD", "mid", .. Enumerable.Range(0, 40).Select(_ => "m" + rng.Next(1_000_000))]);
        h.Run("GET", "mid");
        h.Run("PFCOUNT", "mid");
        h.Run("CONFIG", "SET", "hll-sparse-max-bytes", "100");
        h.Run("PFADD", "mid", "one-more", "and-another");
        h.Run("STRLEN", "mid");
        h.Run("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        h.Run("OBJECT", "ENCODING", "mid");
        h.Run("SET", "str", "hello");
        h.Run("PFADD", "str", "a");
        h.Run("PFCOUNT", "str");
        h.Run("LPUSH", "list", "a");
        h.Run("PFADD", "list", "a");
        h.Run("TYPE", "hll");
        h.AssertNoDifferences();
    }
}
