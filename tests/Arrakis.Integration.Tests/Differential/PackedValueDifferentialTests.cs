using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>
/// Small hashes and sorted sets live as packed bytes inside their key's record, reached through views of the
/// slot: every way a value leaves or enters a slot (RENAME, MOVE, COPY, DUMP/RESTORE, SWAPDB, overwrite by
/// another type, growth past the packed limits, SORT's conversion, emptying) against redis-server.
/// </summary>
[Collection("servers")]
public sealed class PackedValueDifferentialTests(ServerPairFixture servers)
{
    [Theory]
    [InlineData(RespVersion.Resp2)]
    [InlineData(RespVersion.Resp3)]
    public void Packed_values_move_between_slots_like_redis_values(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("SELECT", "10");
        h.Run("FLUSHDB");
        h.Run("SELECT", "9");
        foreach (var (make, read, type) in new[]
        {
            (new[] { "HSET", "k", "a", "1", "b", "2" }, new[] { "HGETALL" }, "hash"),
            (new[] { "ZADD", "k", "1", "a", "2.5", "b", "-3", "c" }, new[] { "ZRANGE", "0", "-1", "WITHSCORES" }, "zset"),
        })
        {
            string[] Read(string key) => [read[0], key, .. read[1..]];
            h.Run(make);
            h.Run("TYPE", "k");
            h.Run("OBJECT", "ENCODING", "k");
            h.Run("SCAN", "0", "TYPE", type);
            h.Run("RENAME", "k", "k2");
            h.Run(Read("k2"));
            h.Run("EXISTS", "k");
            h.Run("COPY", "k2", "k3");
            h.Run(type == "hash" ? ["HSET", "k3", "c", "3"] : ["ZADD", "k3", "9", "z"]);
            h.Run(Read("k2"));
            h.Run(Read("k3"));
            h.Run("MOVE", "k3", "10");
            h.Run("SELECT", "10");
            h.Run(Read("k3"));
            h.Run(type == "hash" ? ["HDEL", "k3", "a"] : ["ZREM", "k3", "a"]);
            h.Run(Read("k3"));
            h.Run("SELECT", "9");
            h.Run("SWAPDB", "9", "10");
            h.Run(Read("k3"));
            h.Run("SWAPDB", "9", "10");
            h.Run(Read("k2"));
            h.Run("EXPIRE", "k2", "100");
            h.Run(type == "hash" ? ["HSET", "k2", "d", "4"] : ["ZADD", "k2", "4", "d"]);
            h.Run("TTL", "k2");
            h.Run("OBJECT", "ENCODING", "k2");
            // Past the packed limits (a 65-byte value): the slot's value becomes an object.
            h.Run(type == "hash" ? ["HSET", "k2", "wide", new string('w', 65)] : ["ZADD", "k2", "5", new string('w', 65)]);
            h.Run("OBJECT", "ENCODING", "k2");
            h.Run(Compare.Unordered, Read("k2"));
            h.Run(type == "hash" ? ["HLEN", "k2"] : ["ZCARD", "k2"]);
            h.Run(["SET", "k3", "now a string"]);
            h.Run("SELECT", "10");
            h.Run(["SET", "k3", "a string over the packed value"]);
            h.Run("TYPE", "k3");
            h.Run("SELECT", "9");
            h.Run(make[0], "k3", make[2], make[3]);
            h.Run("GET", "k3");
            h.Run("DEL", "k2", "k3");
            h.Run(make);
            h.Run("DEL", "k");
        }
        h.AssertNoDifferences();
    }

    [Theory]
    [InlineData(RespVersion.Resp2)]
    [InlineData(RespVersion.Resp3)]
    public void Emptying_restoring_and_sorting_packed_values_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("HSET", "h", "f", "v", "g", "w");
        h.Run("HDEL", "h", "f", "g");
        h.Run("EXISTS", "h");
        h.Run("ZADD", "z", "1", "a", "2", "b");
        h.Run("ZPOPMIN", "z", "5");
        h.Run("EXISTS", "z");
        h.Run("ZADD", "z", "3", "c", "1", "a", "2", "b");
        h.Run("OBJECT", "ENCODING", "z");
        h.Run("SORT", "z", "ALPHA");
        h.Run("OBJECT", "ENCODING", "z"); // Redis 7.0's SORT leaves a sorted set it read as a skip list
        h.Run("ZRANGE", "z", "0", "-1", "WITHSCORES");
        h.Run("HSET", "h", "x", "1", "y", "2");
        foreach (var key in new[] { "h", "z" })
        {
            // RESTORE of our own DUMP, over an existing packed value and beside it.
            using var ours = new RespConnection(servers.Arrakis.Port);
            ours.Call("SELECT", "9");
            var dump = ours.CallRaw([.. new[] { "DUMP", key }.Select(System.Text.Encoding.UTF8.GetBytes)]).Value.Bytes!;
            Assert.Equal("OK", ours.CallRaw([.. new[] { "RESTORE", key, "0" }.Select(System.Text.Encoding.UTF8.GetBytes), dump, "REPLACE"u8.ToArray()]).Value.Text);
        }
        h.Run("HGETALL", "h");
        h.Run("ZRANGE", "z", "0", "-1", "WITHSCORES");
        h.Run("HINCRBY", "h", "x", "41");
        h.Run("HINCRBYFLOAT", "h", "y", "0.5");
        h.Run("ZINCRBY", "z", "10", "a");
        h.Run("HGETALL", "h");
        h.Run("ZRANGE", "z", "0", "-1", "WITHSCORES");
        h.AssertNoDifferences();
    }
}
