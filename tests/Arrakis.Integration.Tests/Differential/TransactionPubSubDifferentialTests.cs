using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>MULTI/EXEC/WATCH, blocking commands that answer at once or time out, and pub/sub replies, compared with redis-server.</summary>
[Collection("servers")]
public sealed class TransactionPubSubDifferentialTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion> Protocols => new() { RespVersion.Resp2, RespVersion.Resp3 };

    [Theory, MemberData(nameof(Protocols))]
    public void Transactions_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        TransactionScript(h);
        h.AssertNoDifferences();
    }

    /// <summary>The MULTI/EXEC/WATCH script; the AF_XDP end-to-end tests run it from the peer namespace too.</summary>
    internal static void TransactionScript(DifferentialHarness h)
    {
        h.Run("EXEC");
        h.Run("DISCARD");
        h.Run("MULTI");
        h.Run("MULTI");
        h.Run("SET", "a", "1");
        h.Run("INCR", "a");
        h.Run("LPUSH", "a", "x");
        h.Run("GET", "a");
        h.Run("WATCH", "a");
        h.Run("EXEC");
        h.Run("MULTI");
        h.Run("SET", "b", "1");
        h.Run("NOSUCHCMD");
        h.Run("GET");
        h.Run("EXEC");
        h.Run("EXISTS", "b");
        h.Run("MULTI");
        h.Run("SET", "b", "1");
        h.Run("DISCARD");
        h.Run("EXISTS", "b");
        h.Run("WATCH", "w");
        h.Run("SET", "w", "changed");
        h.Run("MULTI");
        h.Run("SET", "w", "tx");
        h.Run("EXEC");
        h.Run("GET", "w");
        h.Run("WATCH", "w");
        h.Run("UNWATCH");
        h.Run("SET", "w", "again");
        h.Run("MULTI");
        h.Run("SET", "w", "tx");
        h.Run("EXEC");
        h.Run("WATCH", "gone");
        h.Run("MULTI");
        h.Run("BLPOP", "emptylist", "0");
        h.Run("BZPOPMIN", "emptyz", "0");
        h.Run("BLMOVE", "emptylist", "x", "LEFT", "LEFT", "0");
        h.Run("EXEC");
        h.Run("WATCH", "fl");
        h.Run("SET", "fl", "1");
        h.Run("WATCH", "other");
        h.Run("FLUSHDB");
        h.Run("MULTI");
        h.Run("PING");
        h.Run("EXEC");
        h.Run("SET", "e", "v", "PX", "150");
        h.Run("WATCH", "e");
        Thread.Sleep(300);
        h.Run("MULTI");
        h.Run("PING");
        h.Run("EXEC");
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Blocking_commands_with_data_or_timeouts_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("RPUSH", "l1", "a", "b");
        h.Run("BLPOP", "nope", "l1", "0");
        h.Run("BRPOP", "l1", "0");
        h.Run("BLPOP", "l1", "0.05");
        h.Run("BRPOP", "nope", "0.05");
        h.Run("BLPOP", "l1", "abc");
        h.Run("BLPOP", "l1", "-1");
        h.Run("RPUSH", "l2", "x", "y");
        h.Run("BLMOVE", "l2", "l3", "RIGHT", "LEFT", "0");
        h.Run("BRPOPLPUSH", "l2", "l3", "0");
        h.Run("BRPOPLPUSH", "l2", "l3", "0.05");
        h.Run("BLMPOP", "0.05", "2", "nope", "l3", "LEFT", "COUNT", "5");
        h.Run("BLMPOP", "0.05", "1", "nope", "LEFT");
        h.Run("ZADD", "z", "1", "a", "2", "b");
        h.Run("BZPOPMIN", "nope", "z", "0");
        h.Run("BZPOPMAX", "z", "0");
        h.Run("BZPOPMAX", "z", "0.05");
        h.Run("ZADD", "z", "1", "a", "2", "b");
        h.Run("BZMPOP", "0", "1", "z", "MAX", "COUNT", "5");
        h.Run("SET", "s", "x");
        h.Run("BLPOP", "s", "0");
        h.Run("BZPOPMIN", "s", "0");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Pubsub_replies_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("PUBLISH", "nobody", "hello");
        h.Run("PUBSUB", "NUMSUB", "a", "b");
        h.Run("PUBSUB", "NUMPAT");
        h.Run("PUBSUB", "CHANNELS");
        h.Run("UNSUBSCRIBE");
        h.Run("PUNSUBSCRIBE");
        h.Run("SUBSCRIBE", "a", "b");
        h.Run("PSUBSCRIBE", "news.*");
        h.Run("PING");
        h.Run("PING", "x");
        if (protocol == RespVersion.Resp3) h.Run("GET", "k");
        else h.Run("GET", "k");
        h.Run("UNSUBSCRIBE", "a");
        h.Run("PUNSUBSCRIBE");
        h.Run("UNSUBSCRIBE");
        h.Run("GET", "k");
        h.Run("SPUBLISH", "shard", "hello");
        h.Run("PUBSUB", "SHARDNUMSUB", "shard");
        h.Run("PUBSUB", "SHARDCHANNELS");
        h.Run("SSUBSCRIBE", "shard", "shard2");
        h.Run("SUNSUBSCRIBE", "shard");
        h.Run("SUNSUBSCRIBE");
        h.Run("SUNSUBSCRIBE");
        h.AssertNoDifferences();
    }
}
