using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests;

/// <summary>Malformed and oversized input, slow readers, limits, shutdown: Redis's errors, bounded memory, other clients unaffected.</summary>
[Collection("servers")]
public sealed class RobustnessTests(ServerPairFixture servers)
{
    [Theory]
    [InlineData("*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n")]
    [InlineData("SET k \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    [InlineData("*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    public void Malformed_input_gets_redis_error_and_connection_closes_on_both_servers(string input, string expected)
    {
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var c = new RespConnection(server.Port);
            c.SendRaw(Encoding.ASCII.GetBytes(input));
            Assert.Equal(expected, Encoding.ASCII.GetString(c.ReadToClose()));
        }
        using var other = new RespConnection(servers.Arrakis.Port);
        Assert.Equal("PONG", other.Call("PING").Text);
    }

    [Fact]
    public void Connection_goes_on_after_a_reply_of_a_mebibyte_or_more()
    {
        // Reading used to pause at 1 MiB of pending output and only a writable event resumed it; a
        // reply flushed at once left the connection silent for good.
        using var c = new RespConnection(servers.Arrakis.Port);
        var big = new string('x', 1024 * 1024 + 10);
        Assert.Equal("OK", c.Call("SET", "big:1mib", big).Text);
        Assert.Equal(big.Length, c.Call("GET", "big:1mib").Text.Length);
        Assert.Equal("PONG", c.Call("PING").Text);
        c.SendRaw("GET big:1mib\r\nGET big:1mib\r\nPING\r\n"u8);
        Assert.Equal(big.Length, c.ReadReply().Value.Text.Length);
        Assert.Equal(big.Length, c.ReadReply().Value.Text.Length);
        Assert.Equal("PONG", c.ReadReply().Value.Text);
        c.Call("DEL", "big:1mib");
    }

    [Fact]
    public void Inline_commands_with_quotes_work_like_telnet()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.SendRaw("SET inline:k \"a b\\x41\"\r\nGET inline:k\n"u8);
        Assert.Equal("OK", c.ReadReply().Value.Text);
        Assert.Equal("a bA", c.ReadReply().Value.Text);
    }

    [Fact]
    public void Too_big_inline_request_is_refused()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.SendRaw(Encoding.ASCII.GetBytes(new string('a', 70 * 1024)));
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", Encoding.ASCII.GetString(c.ReadToClose()));
    }

    [Fact]
    public void Declared_huge_bulk_does_not_allocate_it_up_front()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.SendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\nabc"u8);
        Thread.Sleep(200);
        using var probe = new RespConnection(servers.Arrakis.Port);
        var info = probe.Call("INFO", "memory").Text;
        long rss = long.Parse(info.Split("\r\n").First(l => l.StartsWith("used_memory_rss:", StringComparison.Ordinal)).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rss < 400L * 1024 * 1024, $"rss {rss}");
    }

    [Fact]
    public void A_client_that_never_reads_does_not_grow_server_memory_without_bound()
    {
        using var slow = new RespConnection(servers.Arrakis.Port);
        using var setup = new RespConnection(servers.Arrakis.Port);
        setup.Call("SELECT", "11");
        setup.Call("SET", "big", new string('x', 100_000));
        // Pipeline 3000 GETs of 100 KB (300 MB of replies) and never read them.
        var batch = new StringBuilder();
        batch.Append("SELECT 11\r\n");
        for (int i = 0; i < 3000; i++) batch.Append("GET big\r\n");
        var bytes = Encoding.ASCII.GetBytes(batch.ToString());
        var sender = Task.Run(() =>
        {
            try
            {
                slow.SendRaw(bytes);
            }
            catch (IOException)
            {
            }
        });
        Thread.Sleep(1500);
        var info = setup.Call("INFO", "memory").Text;
        long rss = long.Parse(info.Split("\r\n").First(l => l.StartsWith("used_memory_rss:", StringComparison.Ordinal)).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rss < 250L * 1024 * 1024, $"rss {rss}: output was not bounded");
        Assert.Equal("PONG", setup.Call("PING").Text);
    }

    [Fact]
    public void Query_buffer_limit_closes_a_client_whose_request_outgrows_it()
    {
        using var server = ServerProcess.StartArrakis("--client-query-buffer-limit", "1mb");
        using var c = new RespConnection(server.Port);
        c.SendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n"u8);
        var chunk = new byte[64 * 1024];
        try
        {
            for (int i = 0; i < 40; i++) c.SendRaw(chunk);
        }
        catch (IOException)
        {
        }
        Assert.Empty(c.ReadToClose());
        using var other = new RespConnection(server.Port);
        Assert.Equal("PONG", other.Call("PING").Text);
    }

    [Fact]
    public void Maxclients_is_enforced_with_redis_error()
    {
        using var server = ServerProcess.StartArrakis("--maxclients", "2");
        using var a = new RespConnection(server.Port);
        a.Call("PING");
        // The readiness probe's connection may still be closing: wait until only this client is counted.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!a.Call("INFO", "clients").Text.Contains("connected_clients:1\r\n", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        using var b = new RespConnection(server.Port);
        b.Call("PING");
        using var c = new RespConnection(server.Port);
        Assert.Equal("-ERR max number of clients reached\r\n", Encoding.ASCII.GetString(c.ReadToClose()));
    }

    [Fact]
    public void Requirepass_rejects_until_auth_and_limits_unauthenticated_requests()
    {
        using var server = ServerProcess.StartArrakis("--requirepass", "s3cret");
        using var c = new RespConnection(server.Port);
        Assert.Equal("NOAUTH Authentication required.", c.Call("GET", "k").Text);
        Assert.StartsWith("WRONGPASS", c.Call("AUTH", "nope").Text);
        Assert.Equal("OK", c.Call("AUTH", "s3cret").Text);
        Assert.Equal("OK", c.Call("SET", "k", "v").Text);
        using var d = new RespConnection(server.Port);
        d.SendRaw("*11\r\n"u8);
        Assert.Equal("-ERR Protocol error: unauthenticated multibulk length\r\n", Encoding.ASCII.GetString(d.ReadToClose()));
    }

    [Fact]
    public void Sigterm_exits_zero_and_shutdown_command_stops_the_server()
    {
        var a = ServerProcess.StartArrakis();
        Assert.Equal(0, a.Terminate(TimeSpan.FromSeconds(15)));
        a.Dispose();
        using var b = ServerProcess.StartArrakis();
        using (var c = new RespConnection(b.Port))
        {
            c.SendRaw(RespConnection.Encode([Encoding.ASCII.GetBytes("SHUTDOWN")]));
            Assert.Empty(c.ReadToClose());
        }
        Assert.True(b.WaitForExit(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void Client_kill_and_client_reply_behave_like_redis()
    {
        using var victim = new RespConnection(servers.Arrakis.Port);
        long id = victim.Call("CLIENT", "ID").Integer;
        using var killer = new RespConnection(servers.Arrakis.Port);
        Assert.Equal(1, killer.Call("CLIENT", "KILL", "ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Integer);
        Assert.Empty(victim.ReadToClose());
        killer.SendRaw("CLIENT REPLY SKIP\r\nSET r 1\r\nGET r\r\n"u8);
        Assert.Equal("1", killer.ReadReply().Value.Text);
    }

    [Fact]
    public void Active_expiry_removes_keys_nobody_reads()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.Call("SELECT", "12");
        c.Call("FLUSHDB");
        for (int i = 0; i < 200; i++) c.Call("SET", "t" + i, "v", "PX", "50");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (c.Call("DBSIZE").Integer > 0 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.Equal(0, c.Call("DBSIZE").Integer);
    }

    [Fact]
    public void Monitor_sees_other_clients_commands()
    {
        using var monitor = new RespConnection(servers.Arrakis.Port);
        Assert.Equal("OK", monitor.Call("MONITOR").Text);
        using var c = new RespConnection(servers.Arrakis.Port);
        c.Call("SET", "mon:key", "v");
        var line = monitor.ReadReply().Value.Text;
        Assert.Contains("\"SET\" \"mon:key\" \"v\"", line);
    }
}
