using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests;

/// <summary>
/// What a hostile or careless client can do to the server, each with the bound it must respect:
/// many idle connections, running out of file descriptors, a client that never reads, huge
/// pipelines and headers, byte-at-a-time clients, connection churn. Each uses its own server so
/// that descriptor and memory figures are its own.
/// </summary>
public sealed class BoundedUnderAbuseTests
{
    private static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Connect("127.0.0.1", port);
        return s;
    }

    private static string ReadSome(Socket s, int timeoutMs = 5000)
    {
        s.ReceiveTimeout = timeoutMs;
        var buffer = new byte[256];
        try
        {
            int n = s.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (SocketException)
        {
            return "";
        }
    }

    [Fact]
    public void Ten_thousand_idle_connections_are_held_and_the_next_one_gets_the_max_clients_error()
    {
        using var server = ServerProcess.StartArrakis("--maxclients", "10000", "--threads", "1");
        var idle = new List<Socket>();
        try
        {
            for (int i = 0; i < 10_000; i++) idle.Add(Connect(server.Port));
            // One data-plane thread accepts in backlog order, so the next connection is the 10,001st.
            var extra = Connect(server.Port);
            Assert.Equal("-ERR max number of clients reached\r\n", ReadSome(extra));
            extra.Dispose();
            idle[^1].Send("PING\r\n"u8);
            Assert.Equal("+PONG\r\n", ReadSome(idle[^1]));
        }
        finally
        {
            foreach (var s in idle) s.Dispose();
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var c = new RespConnection(server.Port);
                if (c.Call("PING").Text == "PONG") return;
            }
            catch (IOException)
            {
            }
            Thread.Sleep(100);
        }
        Assert.Fail("the server did not take new connections after the idle ones left");
    }

    [Fact]
    public void Running_out_of_file_descriptors_refuses_with_an_error_and_does_not_spin()
    {
        using var server = ServerProcess.StartArrakisWithFileLimit(200, "--threads", "1");
        var held = new List<Socket>();
        try
        {
            int refused = 0;
            for (int i = 0; i < 300; i++)
            {
                var s = Connect(server.Port);
                held.Add(s);
                s.Send("PING\r\n"u8);
                string reply = ReadSome(s);
                if (reply == "-ERR max number of clients reached\r\n") refused++;
                else Assert.Equal("+PONG\r\n", reply);
            }
            Assert.True(refused > 0, "the descriptor limit was never reached");
            // With every descriptor in use and a connection waiting in the backlog, the server must
            // sleep, not loop on the listener: under 0.3 s of CPU over 1 s.
            var extra = Connect(server.Port);
            held.Add(extra);
            var before = server.CpuTime;
            Thread.Sleep(1000);
            var used = server.CpuTime - before;
            Assert.True(used < TimeSpan.FromMilliseconds(300), $"server used {used.TotalMilliseconds} ms of CPU in 1 s while out of descriptors");
        }
        finally
        {
            foreach (var s in held) s.Dispose();
        }
        Thread.Sleep(300);
        using var after = new RespConnection(server.Port);
        Assert.Equal("PONG", after.Call("PING").Text);
    }

    [Fact]
    public void A_client_that_never_reads_costs_bounded_memory_and_others_are_unaffected()
    {
        using var server = ServerProcess.StartArrakis();
        using var admin = new RespConnection(server.Port);
        admin.Call("SET", "big", new string('x', 100_000));
        long before = server.ResidentBytes;
        using var greedy = Connect(server.Port);
        greedy.ReceiveBufferSize = 4096;
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET big\r\n", 1000)));
        greedy.SendTimeout = 2000;
        try
        {
            for (int i = 0; i < 200; i++) greedy.Send(request); // 200,000 GETs of 100 KB: 20 GB of replies if all were made
        }
        catch (SocketException)
        {
            // The server stopped reading (backpressure) and our send buffer filled: what should happen.
        }
        var sw = Stopwatch.StartNew();
        Assert.Equal("PONG", admin.Call("PING").Text);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"another client waited {sw.ElapsedMilliseconds} ms");
        long grown = server.ResidentBytes - before;
        Assert.True(grown < 200L * 1024 * 1024, $"RSS grew by {grown / 1048576} MiB for one client that never reads");
    }

    [Fact]
    public void A_pipeline_of_a_million_commands_is_answered_in_order()
    {
        using var server = ServerProcess.StartArrakis();
        using var s = Connect(server.Port);
        const int count = 1_000_000;
        var one = "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"u8.ToArray();
        long replies = 0;
        string last = "";
        var read = new Thread(() =>
        {
            var buffer = new byte[1 << 16];
            var tail = new StringBuilder();
            s.ReceiveTimeout = 60_000;
            while (replies < count)
            {
                int n = s.Receive(buffer);
                if (n == 0) break;
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        replies++;
                        last = tail.ToString();
                        tail.Clear();
                    }
                    else if (buffer[i] != (byte)'\r') tail.Append((char)buffer[i]);
                }
            }
        });
        read.Start();
        var batch = new byte[one.Length * 10_000];
        for (int i = 0; i < 10_000; i++) one.CopyTo(batch, i * one.Length);
        for (int i = 0; i < count / 10_000; i++) s.Send(batch);
        Assert.True(read.Join(TimeSpan.FromSeconds(120)), "replies did not arrive");
        Assert.Equal(count, replies);
        Assert.Equal(":1000000", last);
    }

    [Fact]
    public void Huge_declared_lengths_allocate_nothing_up_front()
    {
        using var server = ServerProcess.StartArrakis();
        long before = server.ResidentBytes;
        using var many = Connect(server.Port);
        many.Send("*2147483647\r\n$4\r\nPING\r\n"u8); // a multibulk that never completes
        using var bulk = Connect(server.Port);
        bulk.Send("*1\r\n$2147483647\r\n"u8);
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", ReadSome(bulk));
        using var big = Connect(server.Port);
        big.Send("*1\r\n$536870912\r\nabc"u8); // within proto-max-bulk-len, but only 3 bytes come
        Thread.Sleep(300);
        long grown = server.ResidentBytes - before;
        Assert.True(grown < 64L * 1024 * 1024, $"RSS grew by {grown / 1048576} MiB for declared but unsent lengths");
        using var other = new RespConnection(server.Port);
        Assert.Equal("PONG", other.Call("PING").Text);
    }

    [Fact]
    public void Byte_at_a_time_clients_are_answered_and_do_not_slow_the_others()
    {
        using var server = ServerProcess.StartArrakis();
        var slow = Enumerable.Range(0, 100).Select(_ => Connect(server.Port)).ToList();
        try
        {
            var request = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$5\r\nvalue\r\n");
            var sw = Stopwatch.StartNew();
            long worst = 0;
            using var fast = new RespConnection(server.Port);
            for (int i = 0; i < request.Length; i++)
            {
                foreach (var s in slow) s.Send(request.AsSpan(i, 1));
                var t = Stopwatch.StartNew();
                fast.Call("PING");
                worst = Math.Max(worst, t.ElapsedMilliseconds);
                Thread.Sleep(5);
            }
            foreach (var s in slow) Assert.Equal("+OK\r\n", ReadSome(s));
            Assert.True(worst < 1000, $"a normal client waited {worst} ms behind byte-at-a-time clients");
        }
        finally
        {
            foreach (var s in slow) s.Dispose();
        }
    }

    [Fact]
    public void A_thousand_connections_opening_and_closing_leak_no_descriptors_or_memory()
    {
        using var server = ServerProcess.StartArrakis();
        void Churn(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var c = new RespConnection(server.Port);
                c.Call("SET", "churn", "x");
            }
        }
        Churn(200); // warm up: the runtime's own descriptors and pools settle
        Thread.Sleep(300);
        int fdsBefore = server.OpenFileDescriptors;
        long rssBefore = server.ResidentBytes;
        Churn(1000);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.OpenFileDescriptors > fdsBefore + 2 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.InRange(server.OpenFileDescriptors, 0, fdsBefore + 2);
        long grown = server.ResidentBytes - rssBefore;
        Assert.True(grown < 32L * 1024 * 1024, $"RSS grew by {grown / 1048576} MiB over 1,000 connections");
    }
}
