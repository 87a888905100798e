using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>DUMP and RESTORE against redis-server: the same payload bytes, payloads that restore both ways, Redis's errors.</summary>
[Collection("servers")]
public sealed class DumpRestoreDifferentialTests(ServerPairFixture servers)
{
    private static readonly string[][] Fill =
    [
        ["SET", "str", "hello"], ["SET", "int", "12345"], ["SET", "neg", "-9223372036854775808"], ["SET", "long", new string('a', 500)],
        ["SET", "empty", ""], ["RPUSH", "list", "a", "1", "bb", "-7"], ["SADD", "intset", "3", "1", "2"], ["SADD", "smallset", "x", "y"],
        ["HSET", "hash", "f1", "v1", "f2", "2"], ["ZADD", "zset", "1.5", "a", "-2", "b", "3", "c"], ["PFADD", "hll", "a", "b", "c"],
        ["SETBIT", "bits", "100", "1"],
    ];

    [Fact]
    public void Dump_GivesRedisBytes_ForEveryCompactEncoding()
    {
        using var h = new DifferentialHarness(servers, RespVersion.Resp2);
        foreach (var cmd in Fill) h.Run(cmd);
        foreach (var key in new[] { "str", "int", "neg", "long", "empty", "list", "intset", "hash", "zset", "hll", "bits", "missing" }) h.Run("DUMP", key);
        h.AssertNoDifferences();
    }

    [Fact]
    public void Payloads_RestoreBothWays_ForEveryTypeAndEncoding()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        foreach (var c in new[] { ours, theirs })
        {
            c.Call("SELECT", "10");
            c.Call("FLUSHDB");
            foreach (var cmd in Fill) c.Call(cmd);
            c.Call(["RPUSH", "biglist", .. Enumerable.Range(0, 3000).Select(i => "element-" + i)]);
            c.Call(["SADD", "bigset", .. Enumerable.Range(0, 600).Select(i => "m" + i)]);
            c.Call(["SADD", "bigintset", .. Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            c.Call(["HSET", "bighash", .. Enumerable.Range(0, 600).SelectMany(i => new[] { "f" + i, "v" + i })]);
            c.Call(["ZADD", "bigzset", .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i })]);
            c.Call("HSET", "widehash", "f", new string('w', 100));
        }
        string[] keys = ["str", "int", "neg", "long", "empty", "list", "intset", "smallset", "hash", "zset", "hll", "bits", "biglist", "bigset", "bigintset", "bighash", "bigzset", "widehash"];
        foreach (var key in keys)
        {
            var fromRedis = theirs.CallRaw([Encoding.UTF8.GetBytes("DUMP"), Encoding.UTF8.GetBytes(key)]).Value.Bytes!;
            var fromUs = ours.CallRaw([Encoding.UTF8.GetBytes("DUMP"), Encoding.UTF8.GetBytes(key)]).Value.Bytes!;
            Assert.Equal("OK", ours.CallRaw(Args("RESTORE", key + ":r", "0", fromRedis)).Value.Text);
            Assert.Equal("OK", theirs.CallRaw(Args("RESTORE", key + ":o", "0", fromUs)).Value.Text);
            Assert.Equal(Content(theirs, key), Content(ours, key + ":r"));
            Assert.Equal(Content(ours, key), Content(theirs, key + ":o"));
            Assert.Equal(theirs.Call("OBJECT", "ENCODING", key + ":o").Text, ours.Call("OBJECT", "ENCODING", key + ":r").Text);
        }
    }

    private static byte[][] Args(string cmd, string key, string ttl, byte[] payload, params string[] more) =>
        [Encoding.UTF8.GetBytes(cmd), Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(ttl), payload, .. more.Select(Encoding.UTF8.GetBytes)];

    private static string Content(RespConnection c, string key) => KeyContent.Read(c, key);

    [Fact]
    public void Restore_AnswersRedisErrors_InRedisOrder()
    {
        using var h = new DifferentialHarness(servers, RespVersion.Resp2);
        h.Run("SET", "src", "value");
        h.Run("SET", "exists", "1");
        using var theirs = new RespConnection(servers.Redis.Port);
        theirs.Call("SELECT", "9");
        var good = theirs.CallRaw([Encoding.UTF8.GetBytes("DUMP"), Encoding.UTF8.GetBytes("src")]).Value.Bytes!;
        var badCrc = good.ToArray();
        badCrc[^1] ^= 0xFF;
        var badVersion = good.ToArray();
        badVersion[^10] = 99;
        var badBody = good.ToArray();
        badBody[0] = 200; // an unknown type byte, with a correct checksum below
        var fixedCrc = Crc64(badBody.AsSpan(0, badBody.Length - 8));
        BitConverter.TryWriteBytes(badBody.AsSpan(badBody.Length - 8), fixedCrc);
        string S(byte[] b) => Encoding.Latin1.GetString(b);
        foreach (var args in new[]
        {
            Args("RESTORE", "exists", "0", good),
            Args("RESTORE", "new1", "-1", good),
            Args("RESTORE", "new1", "abc", good),
            Args("RESTORE", "new2", "0", badCrc),
            Args("RESTORE", "new2", "0", badVersion),
            Args("RESTORE", "new2", "0", badBody),
            Args("RESTORE", "new2", "0", "x"u8.ToArray()),
            Args("RESTORE", "new3", "0", good, "IDLETIME", "-1"),
            Args("RESTORE", "new3", "0", good, "FREQ", "256"),
            Args("RESTORE", "new3", "0", good, "BOGUS"),
            Args("RESTORE", "new3", "0", good, "IDLETIME"),
            Args("RESTORE", "new3", "0", good, "IDLETIME", "0", "FREQ", "nan"),
            Args("RESTORE", "new3", "-1", good, "FREQ", "3", "IDLETIME", "1"),
            Args("RESTORE", "exists", "0", good, "REPLACE"),
            Args("RESTORE", "past", "1000", good, "ABSTTL"),
            Args("RESTORE", "exists", "1000", good, "ABSTTL", "REPLACE"),
            Args("RESTORE", "ttl", "100000", good),
            // now + LLONG_MAX wraps in Redis (a deadline in the past): already expired, so OK and nothing is
            // created, and REPLACE has deleted the key that was there (the command fuzzer found this).
            Args("RESTORE", "huge", "9223372036854775807", good),
            Args("RESTORE", "ttl", "9223372036854775807", good, "REPLACE"),
            Args("RESTORE", "huge", "9223372036854775807", good, "ABSTTL"),
        })
        {
            h.RunBytes(Compare.Exact, args);
        }
        foreach (var key in new[] { "exists", "past", "new1", "new2", "new3" }) h.Run("EXISTS", key);
        h.Run("EXISTS", "ttl");
        h.Run(Compare.NearMilliseconds, "PTTL", "huge");
        h.AssertNoDifferences();
        _ = S(good);
    }

    /// <summary>CRC-64 Jones as Redis computes it (reflected, poly 0xad93d23594c935a9, init 0).</summary>
    private static ulong Crc64(ReadOnlySpan<byte> data)
    {
        const ulong poly = 0x95AC9329AC4BC9B5; // 0xad93d23594c935a9 reflected
        ulong crc = 0;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ poly : crc >> 1;
        }
        return crc;
    }
}
