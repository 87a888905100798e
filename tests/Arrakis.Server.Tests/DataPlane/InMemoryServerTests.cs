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

    private static string Exchange(InMemoryClient c, string request, int expectedReplies)
    {
        c.Write(Encoding.ASCII.GetBytes(request));
        var sb = new StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (CountReplies(sb.ToString()) < expectedReplies && DateTime.UtcNow < deadline)
            sb.Append(Encoding.ASCII.GetString(c.Read(TimeSpan.FromSeconds(1))));
        return sb.ToString();
    }

    private static int CountReplies(string s) => s.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Count(l => l[0] is '+' or '-' or ':' or '$' && l != "$-1" || l == "$-1") -
                                                 s.Split("\r\n").Count(l => l.StartsWith('$') && l != "$-1");

    [Fact]
    public void Pipelined_requests_are_answered_in_order()
    {
        using var c = _network.Connect();
        var reply = Exchange(c, "SET a 1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\nGET a\r\nGET nope\r\n", 4);
        Assert.Equal("+OK\r\n:2\r\n$1\r\n2\r\n$-1\r\n", reply);
    }

    [Fact]
    public void Keys_written_on_one_connection_are_seen_by_another_thread()
    {
        using var a = _network.Connect();
        using var b = _network.Connect();
        Assert.Equal("+OK\r\n", Exchange(a, "SET shared v\r\n", 1));
        Assert.Equal("$1\r\nv\r\n", Exchange(b, "GET shared\r\n", 1));
    }

    [Fact]
    public void Protocol_error_closes_only_that_connection()
    {
        using var bad = _network.Connect();
        Assert.Equal("-ERR Protocol error: invalid multibulk length\r\n", Exchange(bad, "*zz\r\n", 1));
        Thread.Sleep(100);
        Assert.True(bad.ServerClosed);
        using var good = _network.Connect();
        Assert.Equal("+PONG\r\n", Exchange(good, "PING\r\n", 1));
    }

    [Fact]
    public void Quit_replies_ok_then_closes()
    {
        using var c = _network.Connect();
        Assert.Equal("+OK\r\n", Exchange(c, "QUIT\r\nPING\r\n", 1));
        Thread.Sleep(100);
        Assert.True(c.ServerClosed);
    }

    public void Dispose() => _server.Dispose();
}
