using System.Text;
using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Server.Configuration;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Tests.DataPlane;

/// <summary>The whole data plane (threads, parser, dispatcher, keyspace) over the in-memory network: no sockets.</summary>
public sealed class InMemoryServerTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();
    private readonly ArrakisServer _server;

    public InMemoryServerTests()
    {
        _server = new ArrakisServer(new ServerOptions { Threads = 2 }, _ => _network.CreateSource());
        _server.Start();
    }

    /// <summary>Sends a request and reads until <paramref name="expected"/>'s length has arrived (or 10 s).</summary>
    private static string Exchange(InMemoryClient c, string request, string expected)
    {
        c.Write(Encoding.ASCII.GetBytes(request));
        var sb = new StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sb.Length < expected.Length && DateTime.UtcNow < deadline)
            sb.Append(Encoding.ASCII.GetString(c.Read(TimeSpan.FromMilliseconds(200))));
        return sb.ToString();
    }

    /// <summary>
    /// A wakeup after the loop ended (a Deliver or the log's completion late at shutdown, or Stop racing the loop's own
    /// exit, seen once in CI) is harmless: on the epoll source it used to write to a closed descriptor, whose number
    /// the process may already have reused for a file.
    /// </summary>
    [Fact]
    public void Wakeups_after_the_loop_ended_are_harmless()
    {
        var state = new ServerState(new ServerOptions { Threads = 1 });
        var thread = new Arrakis.Server.DataPlane.DataPlaneThread(0, 1, state, new InMemoryNetwork().CreateSource(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        thread.Start();
        thread.Stop();
        thread.Join(TimeSpan.FromSeconds(10));
        thread.Wake();
        thread.Stop();
        thread.RequestKillSweep();
    }

    [Fact]
    public void Pipelined_requests_are_answered_in_order()
    {
        using var c = _network.Connect();
        const string expected = "+OK\r\n:2\r\n$1\r\n2\r\n$-1\r\n";
        Assert.Equal(expected, Exchange(c, "SET a 1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\nGET a\r\nGET nope\r\n", expected));
    }

    [Fact]
    public void Keys_written_on_one_connection_are_seen_by_another_thread()
    {
        using var a = _network.Connect();
        using var b = _network.Connect();
        Assert.Equal("+OK\r\n", Exchange(a, "SET shared v\r\n", "+OK\r\n"));
        Assert.Equal("$1\r\nv\r\n", Exchange(b, "GET shared\r\n", "$1\r\nv\r\n"));
    }

    [Fact]
    public void Protocol_error_closes_only_that_connection()
    {
        using var bad = _network.Connect();
        Assert.Equal("-ERR Protocol error: invalid multibulk length\r\n", Exchange(bad, "*zz\r\n", "-ERR Protocol error: invalid multibulk length\r\n"));
        Thread.Sleep(100);
        Assert.True(bad.ServerClosed);
        using var good = _network.Connect();
        Assert.Equal("+PONG\r\n", Exchange(good, "PING\r\n", "+PONG\r\n"));
    }

    [Fact]
    public void Quit_replies_ok_then_closes()
    {
        using var c = _network.Connect();
        Assert.Equal("+OK\r\n", Exchange(c, "QUIT\r\nPING\r\n", "+OK\r\n"));
        Thread.Sleep(100);
        Assert.True(c.ServerClosed);
    }

    public void Dispose() => _server.Dispose();
}
