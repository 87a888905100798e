using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential.Streams;

/// <summary>Every stream command, option and error against redis-server 7.0 in RESP2 and RESP3 (explicit
/// IDs; time-dependent fields compared with <see cref="Compare.NearTimes"/>).</summary>
[Collection("servers")]
public sealed class StreamDifferentialTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion> Protocols => new() { RespVersion.Resp2, RespVersion.Resp3 };

    [Theory, MemberData(nameof(Protocols))]
    public void Xadd_xrange_xdel_xtrim_and_their_errors_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("XADD", "s", "1-1", "a", "1", "b", "2");
        h.Run("XADD", "s", "1-2", "a", "3", "b", "4");
        h.Run("XADD", "s", "1-*", "c", "5");
        h.Run("XADD", "s", "2", "a", "x");
        h.Run("XADD", "s", "2-*", "a", "x");
        h.Run("XADD", "s", "1-1", "a", "1");
        h.Run("XADD", "s", "0-0", "a", "1");
        h.Run("XADD", "new", "0-0", "a", "1");
        h.Run("EXISTS", "new");
        h.Run("XADD", "new", "0-*", "a", "1");
        h.Run("XADD", "s", "3-1", "a");
        h.Run("XADD", "s", "3-1");
        h.Run("XADD", "s", "3-1", "a", "1", "b");
        h.Run("XADD", "s", "bad", "a", "1");
        h.Run("XADD", "s", "-", "a", "1");
        h.Run("XADD", "s", "+", "a", "1");
        h.Run("XADD", "s", "1-2-3", "a", "1");
        h.Run("XADD", "s", "3-x", "a", "1");
        h.Run("XADD", "s", "18446744073709551616-0", "a", "1");
        h.Run("XADD", "s", "-1-0", "a", "1");
        h.Run("XADD", "s", "MAXLEN", "-1", "9-0", "a", "1");
        h.Run("XADD", "s", "MAXLEN", "x", "9-0", "a", "1");
        h.Run("XADD", "s", "MAXLEN", "1", "MINID", "0", "9-0", "a", "1");
        h.Run("XADD", "s", "LIMIT", "10", "9-0", "a", "1");
        h.Run("XADD", "s", "MAXLEN", "5", "LIMIT", "10", "9-0", "a", "1");
        h.Run("XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "9-0", "a", "1");
        h.Run("XADD", "s", "MINID", "bad", "9-0", "a", "1");
        h.Run("XADD", "s", "MINID", "-", "9-0", "a", "1");
        h.Run("XADD", "s", "NOMKSTREAM", "MAXLEN", "~", "100", "LIMIT", "5", "4-0", "f", "v");
        h.Run("XADD", "missing", "NOMKSTREAM", "5-0", "a", "1");
        h.Run("EXISTS", "missing");
        h.Run("XADD", "s", "5-0", "numbers", "12345", "neg", "-7", "big", "99999999999999999999", "zero", "0", "lead", "007");
        h.Run("XRANGE", "s", "5-0", "5-0");
        h.Run("XLEN", "s");
        h.Run("XLEN", "nokey");
        foreach (var (a, b) in new[] { ("-", "+"), ("(1-1", "+"), ("-", "(2-0"), ("1", "2"), ("(1", "(5"), ("1-2", "1-2"), ("(1-2", "(1-2"), ("5", "1"), ("(18446744073709551615-18446744073709551615", "+"), ("-", "(0-0"), ("x", "+"), ("-", "y"), ("(-", "+"), ("(", "+"), ("-", "(+") })
        {
            h.Run("XRANGE", "s", a, b);
            h.Run("XREVRANGE", "s", b, a);
        }
        h.Run("XRANGE", "s", "-", "+", "COUNT", "2");
        h.Run("XRANGE", "s", "-", "+", "COUNT", "0");
        h.Run("XRANGE", "s", "-", "+", "COUNT", "-5");
        h.Run("XRANGE", "s", "-", "+", "COUNT", "x");
        h.Run("XRANGE", "s", "-", "+", "COUNT");
        h.Run("XRANGE", "s", "-", "+", "LIMIT", "1");
        h.Run("XRANGE", "nokey", "-", "+", "COUNT", "0");
        h.Run("XREVRANGE", "s", "+", "-", "COUNT", "3");
        h.Run("XDEL", "s", "1-2", "9-9", "1-2");
        h.Run("XDEL", "s", "bad");
        h.Run("XDEL", "s", "1-1", "bad");
        h.Run("XDEL", "nokey", "bad");
        h.Run("XRANGE", "s", "-", "+");
        h.Run("XINFO", "STREAM", "s");
        h.Run("XTRIM", "s", "MAXLEN", "3");
        h.Run("XTRIM", "s", "MAXLEN", "~", "1");
        h.Run("XTRIM", "s", "MINID", "3");
        h.Run("XTRIM", "s");
        h.Run("XTRIM", "s", "LIMIT", "5");
        h.Run("XTRIM", "s", "MAXLEN", "1", "LIMIT", "5");
        h.Run("XTRIM", "s", "MAXLEN", "=", "1", "bogus");
        h.Run("XTRIM", "s", "MAXLEN", "~");
        h.Run("XTRIM", "nokey", "MAXLEN", "0");
        h.Run("XINFO", "STREAM", "s");
        h.Run("XSETID", "s", "1-0");
        h.Run("XSETID", "s", "100-0", "ENTRIESADDED", "1");
        h.Run("XSETID", "s", "100-0", "ENTRIESADDED", "-1");
        h.Run("XSETID", "s", "100-0", "MAXDELETEDID", "200-0");
        h.Run("XSETID", "s", "100-0", "MAXDELETEDID", "0-1");
        h.Run("XSETID", "s", "100-0", "ENTRIESADDED", "50", "MAXDELETEDID", "99-0");
        h.Run("XSETID", "s", "100-0", "BOGUS", "1");
        h.Run("XSETID", "s", "-");
        h.Run("XSETID", "nokey", "1-0");
        h.Run("XINFO", "STREAM", "s");
        h.Run("XADD", "s", "100-0", "a", "1");
        h.Run("SET", "str", "x");
        foreach (var cmd in new[] { new[] { "XADD", "str", "1-0", "a", "1" }, ["XLEN", "str"], ["XRANGE", "str", "-", "+"], ["XDEL", "str", "1-0"], ["XTRIM", "str", "MAXLEN", "0"], ["XSETID", "str", "1-0"], ["XREAD", "STREAMS", "str", "0"], ["XINFO", "STREAM", "str"], ["XGROUP", "CREATE", "str", "g", "$"], ["XACK", "str", "g", "1-0"], ["XPENDING", "str", "g"], ["XCLAIM", "str", "g", "c", "0", "1-0"], ["XAUTOCLAIM", "str", "g", "c", "0", "0"] })
            h.Run(cmd);
        // The edges of the ID space and of the integer options.
        h.Run("XADD", "edge", "1-0", "a", "1");
        h.Run("XGROUP", "CREATE", "edge", "g", "0");
        h.Run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "edge", ">");
        h.Run("XCLAIM", "edge", "g", "c2", "0", "1-0", "IDLE", "-9223372036854775808", "JUSTID");
        h.Run("XCLAIM", "edge", "g", "c2", "-9223372036854775808", "1-0", "TIME", "9223372036854775807", "JUSTID");
        h.Run(Compare.NearTimes, "XPENDING", "edge", "g", "IDLE", "-9223372036854775808", "-", "+", "5");
        h.Run("XADD", "edge", "MAXLEN", "9223372036854775807", "2-0", "a", "1");
        h.Run("XTRIM", "edge", "MINID", "18446744073709551615-18446744073709551615");
        h.Run("XADD", "edge", "18446744073709551615-18446744073709551615", "a", "1");
        h.Run("XADD", "edge", "*", "a", "1");
        h.Run("XADD", "edge", "18446744073709551615-*", "a", "1");
        h.Run("XSETID", "edge", "18446744073709551615-18446744073709551615");
        h.Run("XRANGE", "edge", "(18446744073709551615-18446744073709551614", "+");
        h.Run("XINFO", "STREAM", "edge");
        h.Run("XADD", "edge2", "5-18446744073709551615", "a", "1");
        h.Run("XADD", "edge2", "5-*", "a", "1");
        h.Run(Compare.TypeOnly, "XADD", "edge2", "*", "a", "1"); // the time now: differs by a millisecond or so
        h.Run("TYPE", "s");
        h.Run("OBJECT", "ENCODING", "s");
        h.Run("COMMAND", "INFO", "xadd", "xrange", "xrevrange", "xlen", "xdel", "xtrim", "xread", "xsetid", "xreadgroup", "xack", "xpending", "xclaim", "xautoclaim");
        // Subcommands come in Redis's dict order, which its random hash seed changes from process to process.
        h.Run(Compare.Unordered, "COMMAND", "INFO", "xgroup", "xinfo");
        h.Run(Compare.Unordered, "COMMAND", "DOCS", "xadd", "xreadgroup", "xgroup", "xinfo", "xautoclaim");
        foreach (var cmd in new[]
        {
            new[] { "XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0" }, ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">"], ["XADD", "a", "*", "f", "v"],
            ["XGROUP", "CREATE", "a", "g", "$"], ["XINFO", "STREAM", "a"], ["XCLAIM", "a", "g", "c", "0", "1-0"], ["XREAD", "STREAMS", "a"],
        })
            h.Run(["COMMAND", "GETKEYS", .. cmd]);
        h.Run(Compare.Unordered, "SCAN", "0", "TYPE", "stream");
        h.Run("COPY", "s", "s2");
        h.Run("XRANGE", "s2", "-", "+");
        h.Run("RENAME", "s2", "s3");
        h.Run("XINFO", "STREAM", "s3");
        h.Run("DEL", "s3");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Consumer_groups_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        for (int i = 1; i <= 6; i++) h.Run("XADD", "s", $"{i}-0", "f", i.ToString(), "g", "x");
        h.Run("XGROUP", "CREATE", "s", "g", "0");
        h.Run("XGROUP", "CREATE", "s", "g", "0");
        h.Run("XGROUP", "CREATE", "nokey", "g", "0");
        h.Run("XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM");
        h.Run("XINFO", "STREAM", "mk");
        h.Run("XGROUP", "CREATE", "s", "late", "$", "ENTRIESREAD", "6");
        h.Run("XGROUP", "CREATE", "s", "x1", "0", "ENTRIESREAD", "-2");
        h.Run("XGROUP", "CREATE", "s", "x1", "0", "ENTRIESREAD");
        h.Run("XGROUP", "CREATE", "s", "x1", "0", "BOGUS");
        h.Run("XGROUP", "CREATE", "s", "x1", "bad");
        h.Run("XGROUP", "CREATE", "s", "mid", "3-0");
        h.Run("XGROUP", "CREATE", "s", "mk2", "+");
        h.Run("XGROUP", "SETID", "s", "nogroup", "0");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "2");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "BOGUS", "2");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD");
        // Found by the command fuzzer: every ENTRIESREAD pair is checked before the count of arguments.
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "-2", "1");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "BYLEX", "1");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "5", "1");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "5", "ENTRIESREAD", "-3");
        h.Run("XGROUP", "SETID", "s", "mid", "2-0", "ENTRIESREAD", "5", "ENTRIESREAD", "7");
        h.Run("XGROUP", "SETID", "nokey", "mid", "2-0", "ENTRIESREAD", "5", "ENTRIESREAD", "7");
        h.Run("XGROUP", "SETID", "s", "mid", "-");
        h.Run("XGROUP", "CREATECONSUMER", "s", "g", "alice");
        h.Run("XGROUP", "CREATECONSUMER", "s", "g", "alice");
        h.Run("XGROUP", "CREATECONSUMER", "s", "nogroup", "alice");
        h.Run("XGROUP", "DELCONSUMER", "s", "g", "nobody");
        h.Run("XGROUP", "DESTROY", "s", "nogroup");
        h.Run("XGROUP", "DESTROY", "s", "mk2");
        h.Run("XGROUP", "BOGUS", "s", "g");
        h.Run("XGROUP", "HELP");
        h.Run("XGROUP");
        h.Run("XINFO", "GROUPS", "s");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "1-0");
        h.Run("XREADGROUP", "GROUP", "g", "carol", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "$");
        h.Run("XREADGROUP", "GROUP", "nogroup", "alice", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "nokey", ">");
        h.Run("XREADGROUP", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "t", ">");
        h.Run("XREADGROUP", "GROUP", "nogroup", "alice", "BLOCK", "9223372036854775807", "STREAMS", "s", ">");
        h.Run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "bad");
        h.Run("XREAD", "GROUP", "g", "alice", "STREAMS", "s", ">");
        h.Run("XREAD", "NOACK", "STREAMS", "s", ">");
        h.Run("XREAD", "STREAMS", "s", ">");
        h.Run("XREAD", "COUNT", "2", "STREAMS", "s", "mk", "0", "0");
        h.Run("XREAD", "STREAMS", "s", "$");
        h.Run("XREAD", "STREAMS", "s", "nokey", "3", "0");
        h.Run("XREAD", "COUNT", "x", "STREAMS", "s", "0");
        h.Run("XREAD", "BLOCK", "x", "STREAMS", "s", "0");
        h.Run("XREAD", "BLOCK", "-1", "STREAMS", "s", "0");
        h.Run("XREAD", "BOGUS", "STREAMS", "s", "0");
        h.Run("XREAD", "COUNT", "1");
        h.Run("XPENDING", "s", "g");
        h.Run("XPENDING", "s", "nogroup");
        h.Run("XPENDING", "s", "g", "-");
        h.Run("XPENDING", "s", "g", "-", "+");
        h.Run("XPENDING", "s", "g", "-", "+", "x");
        h.Run("XPENDING", "s", "g", "x", "+", "10");
        h.Run("XPENDING", "s", "g", "IDLE", "x", "-", "+", "10");
        h.Run("XPENDING", "s", "g", "IDLE", "10", "-", "+");
        h.Run("XPENDING", "s", "g", "-", "+", "10", "nobody");
        h.Run("XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "10");
        Thread.Sleep(30);
        h.Run(Compare.NearTimes, "XPENDING", "s", "g", "-", "+", "10");
        h.Run(Compare.NearTimes, "XPENDING", "s", "g", "(1-0", "(3-0", "10", "alice");
        h.Run(Compare.NearTimes, "XPENDING", "s", "g", "IDLE", "1", "-", "+", "10", "alice");
        h.Run("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10");
        h.Run(Compare.NearTimes, "XINFO", "CONSUMERS", "s", "g");
        h.Run("XINFO", "CONSUMERS", "s", "nogroup");
        h.Run("XINFO", "GROUPS", "s");
        h.Run(Compare.NearTimes, "XINFO", "STREAM", "s", "FULL");
        h.Run(Compare.NearTimes, "XINFO", "STREAM", "s", "FULL", "COUNT", "1");
        h.Run(Compare.NearTimes, "XINFO", "STREAM", "s", "FULL", "COUNT", "0");
        h.Run("XINFO", "STREAM", "s", "FULL", "COUNT");
        h.Run("XINFO", "STREAM", "s", "BOGUS");
        h.Run("XINFO", "STREAM", "nokey");
        h.Run("XINFO", "BOGUS", "s");
        h.Run("XINFO", "HELP");
        h.Run("XACK", "s", "g", "1-0", "bad");
        h.Run("XACK", "s", "g", "1-0", "1-0", "9-0");
        h.Run("XACK", "s", "nogroup", "1-0");
        h.Run("XACK", "nokey", "g", "bad");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "TIME", "1000", "RETRYCOUNT", "7");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "3-0", "JUSTID", "TIME", "2000");
        h.Run("XCLAIM", "s", "g", "dave", "0", "5-0", "FORCE", "TIME", "3000", "JUSTID");
        h.Run("XCLAIM", "s", "g", "dave", "0", "9-0", "FORCE", "TIME", "3000");
        h.Run("XCLAIM", "s", "g", "dave", "x", "2-0");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "BOGUS");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "IDLE", "x");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "TIME", "x");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "RETRYCOUNT", "x");
        h.Run("XCLAIM", "s", "g", "dave", "0", "2-0", "LASTID", "x");
        h.Run("XCLAIM", "s", "g", "dave", "99999999", "2-0", "JUSTID");
        h.Run("XCLAIM", "s", "g", "erin", "0", "6-0", "FORCE", "LASTID", "6-0", "TIME", "4000", "JUSTID");
        h.Run("XCLAIM", "s", "nogroup", "dave", "0", "2-0");
        h.Run("XINFO", "GROUPS", "s");
        h.Run(Compare.NearTimes, "XINFO", "STREAM", "s", "FULL");
        h.Run("XDEL", "s", "2-0");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "COUNT", "2", "JUSTID");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "(3-0", "COUNT", "1");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "99999999", "0");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "COUNT", "0");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "COUNT", "576460752303423487");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "COUNT", "576460752303423488");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "COUNT", "x");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "0", "BOGUS");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "x", "0");
        h.Run("XAUTOCLAIM", "s", "g", "frank", "0", "x");
        h.Run("XAUTOCLAIM", "s", "nogroup", "frank", "0", "0");
        h.Run("XAUTOCLAIM", "nokey", "g", "frank", "0", "0");
        h.Run("XPENDING", "s", "g");
        h.Run("XGROUP", "DELCONSUMER", "s", "g", "frank");
        h.Run("XPENDING", "s", "g");
        h.Run("XINFO", "GROUPS", "s");
        h.Run("XREADGROUP", "GROUP", "late", "z", "STREAMS", "s", ">");
        h.Run("XADD", "s", "7-0", "f", "7");
        h.Run("XINFO", "GROUPS", "s");
        h.Run("XREADGROUP", "GROUP", "late", "z", "STREAMS", "s", ">");
        h.Run("XINFO", "GROUPS", "s");
        h.Run("XTRIM", "s", "MAXLEN", "2");
        h.Run("XINFO", "GROUPS", "s");
        h.Run("XGROUP", "DESTROY", "s", "g");
        h.Run("XINFO", "GROUPS", "s");
        // Which stream commands touch WATCHed keys (signalModifiedKey) and which do not.
        foreach (var cmd in new[]
        {
            new[] { "XREADGROUP", "GROUP", "late", "w", "STREAMS", "s", ">" }, ["XACK", "s", "late", "7-0"], ["XGROUP", "CREATECONSUMER", "s", "late", "new"],
            ["XGROUP", "SETID", "s", "late", "0"], ["XCLAIM", "s", "late", "w", "0", "6-0", "FORCE"], ["XADD", "s", "8-0", "a", "1"], ["XDEL", "s", "8-0"],
            ["XTRIM", "s", "MAXLEN", "0"], ["XSETID", "s", "9-0"], ["XGROUP", "DESTROY", "s", "late"],
        })
        {
            h.Run("WATCH", "s");
            h.Run(cmd);
            h.Run("MULTI");
            h.Run("PING");
            h.Run("EXEC");
        }
        h.Run("XADD", "mv", "1-0", "a", "1");
        h.Run("MOVE", "mv", "1");
        h.Run("SELECT", "1");
        h.Run("XRANGE", "mv", "-", "+");
        h.Run("DEL", "mv");
        h.Run("SELECT", "9");
        h.Run("MULTI");
        h.Run("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        h.Run("XREADGROUP", "GROUP", "late", "z", "BLOCK", "0", "STREAMS", "s", ">");
        h.Run("EXEC");
        h.AssertNoDifferences();
    }

    [Fact]
    public void Stream_commands_count_changes_hits_and_misses_like_redis()
    {
        using var h = new DifferentialHarness(servers, RespVersion.Resp2);
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        static long Field(RespConnection c, string section, string name) =>
            long.Parse(c.Call("INFO", section).Text.Split("\r\n").First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        static long[] Counters(RespConnection c) => [Field(c, "persistence", "rdb_changes_since_last_save"), Field(c, "stats", "keyspace_hits"), Field(c, "stats", "keyspace_misses")];
        string[][] commands =
        [
            ["XADD", "s", "1-0", "a", "1"], ["XADD", "s", "2-0", "a", "2"], ["XADD", "s", "MAXLEN", "1", "3-0", "a", "3"], ["XADD", "s", "4-0", "a", "4", "b", "5"],
            ["XADD", "nomk", "NOMKSTREAM", "1-0", "a", "1"], ["XLEN", "s"], ["XLEN", "nokey"], ["XRANGE", "s", "-", "+"], ["XREVRANGE", "nokey", "+", "-"],
            ["XDEL", "s", "3-0", "9-0"], ["XDEL", "nokey", "1-0"], ["XTRIM", "s", "MAXLEN", "0"], ["XSETID", "s", "10-0"], ["XADD", "s", "11-0", "a", "1"],
            ["XADD", "s", "12-0", "a", "1"], ["XREAD", "STREAMS", "s", "nokey", "0", "0"], ["XGROUP", "CREATE", "s", "g", "0"], ["XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM"],
            ["XGROUP", "CREATECONSUMER", "s", "g", "c0"], ["XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"],
            ["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"], ["XREADGROUP", "GROUP", "g", "c2", "NOACK", "STREAMS", "s", ">"],
            ["XPENDING", "s", "g"], ["XPENDING", "s", "g", "-", "+", "10"], ["XACK", "s", "g", "11-0", "12-0"], ["XCLAIM", "s", "g", "c3", "0", "11-0", "12-0", "FORCE"],
            ["XAUTOCLAIM", "s", "g", "c4", "0", "0"], ["XINFO", "STREAM", "s"], ["XINFO", "GROUPS", "s"], ["XGROUP", "SETID", "s", "g", "0"],
            ["XGROUP", "DELCONSUMER", "s", "g", "c4"], ["XGROUP", "DESTROY", "s", "g"], ["XINFO", "STREAM", "nokey"],
        ];
        foreach (var cmd in commands)
        {
            long[] before = Counters(ours), beforeRedis = Counters(theirs);
            h.Run(Compare.NearTimes, cmd);
            long[] after = Counters(ours), afterRedis = Counters(theirs);
            var delta = after.Zip(before, (a, b) => a - b).ToArray();
            var deltaRedis = afterRedis.Zip(beforeRedis, (a, b) => a - b).ToArray();
            Assert.True(delta.SequenceEqual(deltaRedis), $"dirty, hits, misses after {string.Join(' ', cmd)}: arrakis +{string.Join("/", delta)}, redis +{string.Join("/", deltaRedis)}");
        }
        h.AssertNoDifferences();
    }
}
