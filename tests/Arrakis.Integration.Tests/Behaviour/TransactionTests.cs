using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>MULTI/EXEC atomicity and WATCH under concurrent clients (spread over the data-plane threads).</summary>
[Collection("servers")]
public sealed class TransactionTests(ServerPairFixture servers)
{
    [Fact]
    public void Exec_is_atomic_for_readers_and_loses_no_updates()
    {
        using var admin = new RespConnection(servers.Arrakis.Port);
        Assert.Equal("2", admin.Call("CONFIG", "GET", "arrakis-threads").Items![1].Text);
        admin.Call("SELECT", "12");
        admin.Call("DEL", "x", "y");
        const int writers = 4, rounds = 300;
        bool torn = false;
        using var stop = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            using var c = new RespConnection(servers.Arrakis.Port);
            c.Call("SELECT", "12");
            while (!stop.IsCancellationRequested)
            {
                c.Call("MULTI");
                c.Call("GET", "x");
                c.Call("GET", "y");
                var r = c.Call("EXEC");
                if (r.Items![0].Text != r.Items[1].Text) torn = true;
            }
        });
        reader.Start();
        var threads = Enumerable.Range(0, writers).Select(_ => new Thread(() =>
        {
            using var c = new RespConnection(servers.Arrakis.Port);
            c.Call("SELECT", "12");
            for (int i = 0; i < rounds; i++)
            {
                c.Call("MULTI");
                c.Call("INCR", "x");
                c.Call("INCR", "y");
                c.Call("EXEC");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        stop.Cancel();
        reader.Join();
        Assert.False(torn, "a reader saw x and y differ inside EXEC");
        Assert.Equal(writers * rounds, admin.Call("GET", "x").Integer);
        Assert.Equal(writers * rounds, admin.Call("GET", "y").Integer);
    }

    [Fact]
    public void Watch_based_optimistic_increments_are_never_lost()
    {
        using var admin = new RespConnection(servers.Arrakis.Port);
        admin.Call("SELECT", "12");
        admin.Call("SET", "counter", "0");
        const int clients = 4, increments = 150;
        long retries = 0;
        var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
        {
            using var c = new RespConnection(servers.Arrakis.Port);
            c.Call("SELECT", "12");
            for (int i = 0; i < increments; i++)
            {
                while (true)
                {
                    c.Call("WATCH", "counter");
                    long v = long.Parse(c.Call("GET", "counter").Text, System.Globalization.CultureInfo.InvariantCulture);
                    c.Call("MULTI");
                    c.Call("SET", "counter", (v + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (c.Call("EXEC").Items is not null) break;
                    Interlocked.Increment(ref retries);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(clients * increments, admin.Call("GET", "counter").Integer);
    }
}
