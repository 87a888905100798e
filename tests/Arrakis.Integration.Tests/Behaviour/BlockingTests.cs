using System.Diagnostics;
using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>Blocking commands: served on push in arrival order, timeouts, CLIENT UNBLOCK, disconnects — on Arrakis and, where the behaviour is exact, on Redis too.</summary>
[Collection("servers")]
public sealed class BlockingTests(ServerPairFixture servers)
{
    private static RespConnection Open(ServerProcess s, int db = 10)
    {
        var c = new RespConnection(s.Port);
        c.Call("SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return c;
    }

    private static void WaitBlocked(RespConnection admin, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var info = admin.Call("INFO", "clients").Text;
            if (info.Contains($"blocked_clients:{expected}\r\n", StringComparison.Ordinal)) return;
            Thread.Sleep(10);
        }
        throw new TimeoutException("clients did not block");
    }

    [Fact]
    public void Blocked_clients_are_served_first_come_first_served_and_before_the_pushers_next_command()
    {
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var admin = Open(server);
            admin.Call("DEL", "q");
            using var first = Open(server);
            using var second = Open(server);
            first.SendRaw(RespConnection.Encode(new[] { "BLPOP", "q", "10" }.Select(Encoding.ASCII.GetBytes).ToArray()));
            WaitBlocked(admin, 1);
            second.SendRaw(RespConnection.Encode(new[] { "BLPOP", "q", "10" }.Select(Encoding.ASCII.GetBytes).ToArray()));
            WaitBlocked(admin, 2);
            // One pipelined batch: the push serves the waiters before the pusher's own LPOP runs.
            admin.SendRaw("RPUSH q a b c\r\nLPOP q\r\nLPOP q\r\n"u8);
            Assert.Equal(3, admin.ReadReply().Value.Integer);
            Assert.Equal("c", admin.ReadReply().Value.Text);
            Assert.Equal("(nil)", admin.ReadReply().Value.ToString());
            Assert.Equal("a", first.ReadReply().Value.Items![1].Text);
            Assert.Equal("b", second.ReadReply().Value.Items![1].Text);
        }
    }

    [Fact]
    public void Timeouts_have_sub_second_precision()
    {
        using var c = Open(servers.Arrakis);
        var sw = Stopwatch.StartNew();
        var reply = c.Call("BLPOP", "never", "0.25");
        sw.Stop();
        Assert.Equal("(nil array)", reply.ToString());
        Assert.InRange(sw.ElapsedMilliseconds, 200, 900);
    }

    [Fact]
    public void Blmove_is_served_across_keys_and_wakes_the_next_waiter_on_the_destination()
    {
        using var admin = Open(servers.Arrakis);
        admin.Call("DEL", "src", "dst");
        using var mover = Open(servers.Arrakis);
        using var consumer = Open(servers.Arrakis);
        mover.SendRaw(RespConnection.Encode(new[] { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "10" }.Select(Encoding.ASCII.GetBytes).ToArray()));
        WaitBlocked(admin, 1);
        consumer.SendRaw(RespConnection.Encode(new[] { "BRPOP", "dst", "10" }.Select(Encoding.ASCII.GetBytes).ToArray()));
        WaitBlocked(admin, 2);
        admin.Call("RPUSH", "src", "job");
        Assert.Equal("job", mover.ReadReply().Value.Text);
        Assert.Equal("job", consumer.ReadReply().Value.Items![1].Text);
        Assert.Equal(0, admin.Call("EXISTS", "src", "dst").Integer);
    }

    [Fact]
    public void Client_unblock_answers_with_timeout_or_error_and_a_disconnected_waiter_loses_nothing()
    {
        using var admin = Open(servers.Arrakis);
        admin.Call("DEL", "u");
        using var waiter = Open(servers.Arrakis);
        long id = waiter.Call("CLIENT", "ID").Integer;
        waiter.SendRaw("BLPOP u 0\r\n"u8);
        WaitBlocked(admin, 1);
        Assert.Equal(1, admin.Call("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Integer);
        Assert.Equal("(nil array)", waiter.ReadReply().Value.ToString());
        waiter.SendRaw("BLPOP u 0\r\n"u8);
        WaitBlocked(admin, 1);
        Assert.Equal(1, admin.Call("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "ERROR").Integer);
        Assert.Equal("UNBLOCKED client unblocked via CLIENT UNBLOCK", waiter.ReadReply().Value.Text);
        Assert.Equal(0, admin.Call("CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Integer);

        var gone = Open(servers.Arrakis);
        gone.SendRaw("BLPOP u 0\r\n"u8);
        WaitBlocked(admin, 1);
        gone.Dispose();
        WaitBlocked(admin, 0);
        admin.Call("RPUSH", "u", "kept");
        Assert.Equal("kept", admin.Call("LPOP", "u").Text);
    }

    [Fact]
    public void Pops_racing_pushes_deliver_every_element_exactly_once()
    {
        using var admin = Open(servers.Arrakis, db: 11);
        admin.Call("DEL", "race");
        const int producers = 4, perProducer = 500, consumers = 4;
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var consumerThreads = Enumerable.Range(0, consumers).Select(_ => new Thread(() =>
        {
            using var c = Open(servers.Arrakis, db: 11);
            while (true)
            {
                var r = c.Call("BRPOP", "race", "1");
                if (r.Items is null) return; // a second with nothing: producers are done
                seen.Add(r.Items[1].Text);
            }
        })).ToList();
        consumerThreads.ForEach(t => t.Start());
        var producerThreads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            using var c = Open(servers.Arrakis, db: 11);
            for (int i = 0; i < perProducer; i++) c.Call("LPUSH", "race", $"{p}:{i}");
        })).ToList();
        producerThreads.ForEach(t => t.Start());
        producerThreads.ForEach(t => t.Join());
        consumerThreads.ForEach(t => t.Join());
        Assert.Equal(producers * perProducer, seen.Count);
        Assert.Equal(producers * perProducer, seen.Distinct().Count());
    }
}
