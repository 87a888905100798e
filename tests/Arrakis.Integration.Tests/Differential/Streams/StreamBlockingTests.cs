using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential.Streams;

/// <summary>Blocked XREAD/XREADGROUP as transcripts against redis-server: served after the command (or
/// transaction) that added entries, in arrival order, each new entry to exactly one group consumer;
/// NOGROUP when the group goes, UNBLOCKED when the key goes; timeouts; BLOCK inside MULTI.</summary>
[Collection("servers")]
public sealed class StreamBlockingTests(ServerPairFixture servers)
{
    private void Same(Action<BlockingScenario> scenario) => BlockingScenario.AssertSameOnBoth(servers, scenario);

    [Fact]
    public void Xread_waiters_are_served_by_xadd_in_arrival_order()
    {
        Same(s =>
        {
            s.Do("XADD", "s", "1-0", "a", "1");
            var w1 = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            var w2 = s.Block("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "s", "0", "1-0");
            var w3 = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "5-0");
            s.Do("XADD", "s", "2-0", "b", "2");
            s.Reply("w1", w1);
            s.Reply("w2", w2);
            s.Blocked();
            s.Do("XADD", "s", "6-0", "c", "3");
            s.Reply("w3", w3);
            s.Blocked();
            // Entries added and deleted before the waiter runs: its position was passed, nothing is left to read.
            s.Do("XGROUP", "CREATE", "s", "g", "$");
            var w4 = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            var g4 = s.Block("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.Admin.Call("MULTI");
            s.Admin.Call("XADD", "s", "7-0", "d", "4");
            s.Admin.Call("XDEL", "s", "7-0");
            s.Do("EXEC");
            s.Reply("w4", w4);
            s.Reply("g4", g4);
            s.Blocked();
        });
    }

    [Fact]
    public void Each_new_entry_goes_to_exactly_one_blocked_group_consumer()
    {
        Same(s =>
        {
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var waiters = Enumerable.Range(1, 4).Select(i => s.Block("XREADGROUP", "GROUP", "g", "c" + i, "BLOCK", "0", "STREAMS", "s", ">")).ToList();
            for (int i = 1; i <= 4; i++)
            {
                s.Do("XADD", "s", $"{i}-0", "n", i.ToString());
                s.Reply("c" + i, waiters[i - 1]);
                s.Blocked();
            }
            s.Do("XPENDING", "s", "g");
            s.Do("XINFO", "GROUPS", "s");
        });
    }

    [Fact]
    public void A_transaction_serves_waiters_once_it_is_whole()
    {
        Same(s =>
        {
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var w1 = s.Block("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", ">");
            var w2 = s.Block("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">");
            s.Admin.Call("MULTI");
            s.Admin.Call("XADD", "s", "1-0", "a", "1");
            s.Admin.Call("XADD", "s", "2-0", "a", "2");
            s.Admin.Call("XADD", "s", "3-0", "a", "3");
            s.Do("EXEC");
            s.Reply("w1", w1);
            s.Reply("w2", w2);
            s.Blocked();
        });
    }

    [Fact]
    public void Group_destroyed_or_key_deleted_unblocks_with_an_error()
    {
        Same(s =>
        {
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var w1 = s.Block("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            var x1 = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.Do("XGROUP", "DESTROY", "s", "g");
            s.Reply("w1", w1);
            s.Blocked();
            s.Do("XGROUP", "CREATE", "s", "g", "$");
            var w2 = s.Block("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            s.Do("DEL", "s");
            s.Reply("w2", w2);
            s.Blocked();
            s.Do("XADD", "s", "5-0", "a", "1");
            s.Reply("x1", x1);
            s.Do("XGROUP", "CREATE", "s", "g", "$");
            var w3 = s.Block("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            var x2 = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.Do("SET", "s", "now a string");
            s.Reply("w3", w3);
            s.Blocked();
            s.Do("DEL", "s");
            s.Do("XADD", "s", "6-0", "a", "1");
            s.Reply("x2", x2);
        });
    }

    [Fact]
    public void Flush_and_expiry_unblock_group_readers_like_a_delete()
    {
        Same(s =>
        {
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var w1 = s.Block("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            s.Do("FLUSHDB");
            s.Reply("w1", w1);
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var w2 = s.Block("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
            s.Do("PEXPIRE", "s", "50");
            s.Reply("w2", w2);
            s.Blocked();
            s.Do("EXISTS", "s");
        });
    }

    [Fact]
    public void Client_unblock_ends_stream_waiters_with_a_timeout_or_an_error()
    {
        static string IdOf(BlockingScenario s, string command) =>
            s.Admin.Call("CLIENT", "LIST").Text.Split('\n').First(l => l.Contains("cmd=" + command, StringComparison.Ordinal)).Split(' ')[0][3..];
        Same(s =>
        {
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            var r = s.Block("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.Transcript.Add("unblock xread: " + s.Admin.Call("CLIENT", "UNBLOCK", IdOf(s, "xread"), "TIMEOUT"));
            s.Reply("xread", r);
            var g = s.Block("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.Transcript.Add("unblock xreadgroup: " + s.Admin.Call("CLIENT", "UNBLOCK", IdOf(s, "xreadgroup"), "ERROR"));
            s.Reply("xreadgroup", g);
            s.Blocked();
            s.Do("XINFO", "GROUPS", "s");
        });
    }

    [Fact]
    public void Timeouts_and_block_inside_multi()
    {
        Same(s =>
        {
            var w = s.Open();
            s.Transcript.Add("xread: " + w.Call("XREAD", "BLOCK", "30", "STREAMS", "s", "$"));
            s.Transcript.Add("xreadgroup: " + w.Call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "30", "STREAMS", "s", ">"));
            s.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.Transcript.Add("xreadgroup: " + w.Call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "30", "STREAMS", "s", ">"));
            s.Admin.Call("MULTI");
            s.Admin.Call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.Admin.Call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            s.Do("EXEC");
            s.Do("XINFO", "GROUPS", "s");
        });
    }

    [Fact]
    public void Concurrent_blocked_consumers_receive_every_entry_exactly_once()
    {
        const int Consumers = 6, Entries = 400;
        using var admin = new RespConnection(servers.Arrakis.Port);
        admin.Call("SELECT", "11");
        admin.Call("DEL", "q");
        admin.Call("XGROUP", "CREATE", "q", "g", "$", "MKSTREAM");
        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, Consumers).Select(i => new Thread(() =>
        {
            using var c = new RespConnection(servers.Arrakis.Port);
            c.Call("SELECT", "11");
            while (true)
            {
                var reply = c.Call("XREADGROUP", "GROUP", "g", "c" + i, "COUNT", "3", "BLOCK", "2000", "STREAMS", "q", ">");
                if (reply.Items is null) return; // timed out: the producer is done
                foreach (var entry in reply.Items[0].Items![1].Items!)
                {
                    string id = entry.Items![0].Text;
                    received.Add(id);
                    c.Call("XACK", "q", "g", id);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Thread.Sleep(200);
        for (int i = 1; i <= Entries; i++) admin.Call("XADD", "q", $"{i}-0", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        threads.ForEach(t => t.Join());
        var ids = received.ToList();
        Assert.Equal(Entries, ids.Count);
        Assert.Equal(Entries, ids.Distinct().Count());
        Assert.Equal("0", admin.Call("XPENDING", "q", "g").Items![0].Text);
    }
}
