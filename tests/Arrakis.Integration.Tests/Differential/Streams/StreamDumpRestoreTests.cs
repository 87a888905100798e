using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential.Streams;

/// <summary>DUMP/RESTORE of streams both ways with redis-server 7.0: a payload from either side restores
/// on the other to the same XINFO STREAM FULL, and re-dumping it gives back the very same bytes.</summary>
[Collection("servers")]
public sealed class StreamDumpRestoreTests(ServerPairFixture servers)
{
    private static void Fill(RespConnection c, string key)
    {
        c.Call("DEL", key);
        for (int i = 1; i <= 320; i++) c.Call("XADD", key, $"{i}-{i % 4}", i % 5 == 0 ? "other" : "f", "v" + i, "big", new string('b', i % 37 * 7));
        c.Call("XDEL", key, "3-3", "4-0", "150-2");
        c.Call("XTRIM", key, "MAXLEN", "290");
        c.Call("XGROUP", "CREATE", key, "g", "0");
        c.Call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "5", "STREAMS", key, ">");
        c.Call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", key, ">");
        c.Call("XCLAIM", key, "g", "carol", "0", "40-0", "FORCE", "TIME", "12345", "RETRYCOUNT", "4");
        c.Call("XGROUP", "CREATE", key, "late", "$");
        c.Call("XSETID", key, "999-0", "ENTRIESADDED", "1000", "MAXDELETEDID", "998-0");
    }

    private static byte[] Dump(RespConnection c, string key) => c.CallRaw([Encoding.UTF8.GetBytes("DUMP"), Encoding.UTF8.GetBytes(key)]).Value.Bytes!;

    private static string Restore(RespConnection c, string key, byte[] payload) =>
        c.CallRaw([Encoding.UTF8.GetBytes("RESTORE"), Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()]).Value.ToString();

    private static string Full(RespConnection c, string key) => c.Call("XINFO", "STREAM", key, "FULL", "COUNT", "0").ToString();

    [Fact]
    public void Stream_payloads_restore_both_ways_to_the_same_stream_and_bytes()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var redis = new RespConnection(servers.Redis.Port);
        foreach (var c in new[] { ours, redis }) c.Call("SELECT", "12");
        Fill(ours, "x");
        Fill(redis, "x");
        ours.Call("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM");
        redis.Call("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM");

        foreach (var key in new[] { "x", "empty" })
        {
            var fromRedis = Dump(redis, key);
            Assert.Equal("+OK", Restore(ours, key + ":r", fromRedis));
            Assert.Equal(Full(redis, key), Full(ours, key + ":r"));
            Assert.Equal(fromRedis, Dump(ours, key + ":r"));

            var fromOurs = Dump(ours, key);
            Assert.Equal("+OK", Restore(redis, key + ":o", fromOurs));
            Assert.Equal(Full(ours, key), Full(redis, key + ":o"));
            Assert.Equal(fromOurs, Dump(redis, key + ":o"));
        }
        // Damaged payloads are refused, never half-loaded.
        var payload = Dump(ours, "x");
        var rng = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var bad = (byte[])payload.Clone();
            bad[rng.Next(bad.Length - 10)] ^= (byte)(1 << rng.Next(8));
            string reply = Restore(ours, "bad", bad);
            Assert.StartsWith("-", reply);
        }
        Assert.Equal(0, ours.Call("EXISTS", "bad").Integer);
    }
}
