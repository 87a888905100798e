using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>
/// When blocked clients are served, run against both servers and compared as transcripts: after the
/// whole command or transaction, only if the key still holds the type they wait for, from the key
/// that became ready, and for every way a list or sorted set can appear in a database (RENAME,
/// COPY, MOVE, SWAPDB, Z*STORE). Also Redis 7.0's timeout parsing (sub-millisecond, inf, 1e400).
/// </summary>
[Collection("servers")]
public sealed class BlockingSemanticsDifferentialTests(ServerPairFixture servers)
{
    private void AssertSameOnBoth(Action<BlockingScenario> scenario) => BlockingScenario.AssertSameOnBoth(servers, scenario);

    [Fact]
    public void Exec_serves_waiters_only_after_the_whole_transaction()
    {
        AssertSameOnBoth(s =>
        {
            var w = s.Block("BLPOP", "q", "10");
            s.Admin.Call("MULTI");
            s.Admin.Call("RPUSH", "q", "x");
            s.Admin.Call("LPOP", "q");
            s.Do("EXEC");
            s.Blocked();
            s.Do("RPUSH", "q", "y");
            s.Reply("w", w);
        });
    }

    [Fact]
    public void A_key_emptied_or_retyped_before_exec_ends_wakes_nobody()
    {
        AssertSameOnBoth(s =>
        {
            var w = s.Block("BLPOP", "l", "10");
            s.Admin.Call("MULTI");
            s.Admin.Call("LPUSH", "l", "x");
            s.Admin.Call("DEL", "l");
            s.Do("EXEC");
            s.Blocked();
            s.Admin.Call("MULTI");
            s.Admin.Call("LPUSH", "l", "x");
            s.Admin.Call("DEL", "l");
            s.Admin.Call("ZADD", "l", "1", "m");
            s.Do("EXEC");
            s.Blocked();
            s.Do("DEL", "l");
            s.Do("RPUSH", "l", "z");
            s.Reply("w", w);
        });
    }

    [Fact]
    public void Waiters_are_served_only_by_the_type_they_wait_for()
    {
        AssertSameOnBoth(s =>
        {
            var zwaiter = s.Block("BZPOPMIN", "k", "10");
            var lwaiter = s.Block("BLPOP", "k", "10");
            s.Do("RPUSH", "k", "a");
            s.Reply("list waiter", lwaiter);
            s.Blocked();
            s.Do("ZADD", "k", "1", "m");
            s.Reply("zset waiter", zwaiter);
        });
    }

    [Fact]
    public void A_waiter_is_served_from_the_key_that_became_ready()
    {
        AssertSameOnBoth(s =>
        {
            var w = s.Block("BLPOP", "k1", "k2", "10");
            s.Admin.Call("MULTI");
            s.Admin.Call("RPUSH", "k2", "from-k2");
            s.Admin.Call("RPUSH", "k1", "from-k1");
            s.Do("EXEC");
            s.Reply("w", w);
            s.Do("LRANGE", "k1", "0", "-1");
        });
    }

    [Fact]
    public void Keys_that_appear_through_rename_copy_move_and_swapdb_wake_waiters()
    {
        AssertSameOnBoth(s =>
        {
            var renamed = s.Block("BLPOP", "dst", "10");
            s.Do("RPUSH", "src", "a");
            s.Do("RENAME", "src", "dst");
            s.Reply("rename", renamed);

            var copied = s.Block("BRPOP", "copy", "10");
            s.Do("RPUSH", "orig", "b");
            s.Do("COPY", "orig", "copy");
            s.Reply("copy", copied);

            var moved = s.Block("BLPOP", "moved", "10");
            var other = s.Open(db: 11);
            other.Call("RPUSH", "moved", "c");
            s.Transcript.Add("MOVE -> " + other.Call("MOVE", "moved", "10"));
            s.Reply("move", moved);

            var swapped = s.Block("BLPOP", "swapped", "10");
            other.Call("RPUSH", "swapped", "d");
            s.Do("SWAPDB", "10", "11");
            s.Reply("swapdb", swapped);
        });
    }

    [Fact]
    public void Sorted_sets_stored_by_zunionstore_zinterstore_zdiffstore_and_zrangestore_wake_waiters()
    {
        AssertSameOnBoth(s =>
        {
            s.Do("ZADD", "a", "1", "x", "2", "y");
            s.Do("ZADD", "b", "1", "x");
            foreach (var (dst, command) in new (string, string[])[]
            {
                ("u", ["ZUNIONSTORE", "u", "2", "a", "b"]),
                ("i", ["ZINTERSTORE", "i", "2", "a", "b"]),
                ("d", ["ZDIFFSTORE", "d", "2", "a", "b"]),
                ("r", ["ZRANGESTORE", "r", "a", "0", "-1"]),
            })
            {
                var w = s.Block("BZPOPMAX", dst, "10");
                s.Do(command);
                s.Reply(command[0], w);
            }
        });
    }

    [Fact]
    public void Timeouts_are_parsed_as_redis_7_0_does()
    {
        AssertSameOnBoth(s =>
        {
            foreach (var t in new[] { "0.0001", "1e-400", "0x0.01", "1e400", "inf", "-inf", "+inf", "1e5000", "-1", "nan", "abc", "" })
                s.Do("BLPOP", "nothing", t);
            // -0.0001 rounds up to 0: wait forever (until CLIENT UNBLOCK).
            var w = s.Block("BLPOP", "nothing", "-0.0001");
            long id = s.Open().Call("CLIENT", "LIST").Text.Split('\n').Count(l => l.Contains("cmd=blpop", StringComparison.Ordinal));
            s.Transcript.Add($"blocked blpop clients: {id}");
            s.Blocked();
        });
    }
}
