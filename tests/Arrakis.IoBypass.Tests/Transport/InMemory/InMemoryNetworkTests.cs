using Arrakis.IoBypass.Transport;
using Arrakis.IoBypass.Transport.InMemory;

namespace Arrakis.IoBypass.Tests.Transport.InMemory;

/// <summary>The in-memory network behaves like a socket source: accept, bytes both ways, end of stream, close.</summary>
public sealed class InMemoryNetworkTests
{
    [Fact]
    public void Bytes_flow_both_ways_and_close_is_seen_on_both_ends()
    {
        var network = new InMemoryNetwork();
        using var source = network.CreateSource();
        using var client = network.Connect();
        var events = new ConnectionEvent[8];
        int n = source.Poll(events, 1000);
        Assert.Equal(ConnectionEventKind.Accepted, events[0].Kind);
        long conn = events[0].Connection;

        var buffer = new byte[16];
        Assert.Equal(-Errno.EAGAIN, source.Receive(conn, buffer));
        client.Write("hello"u8);
        Assert.Equal(5, source.Receive(conn, buffer));
        Assert.Equal(3, source.Send(conn, "abc"u8));
        Assert.Equal("abc", System.Text.Encoding.ASCII.GetString(client.Read(TimeSpan.FromSeconds(1))));

        source.Close(conn);
        Assert.True(client.ServerClosed);
        Assert.Equal(-Errno.ECONNRESET, source.Receive(conn, buffer));
    }

    [Fact]
    public void Client_close_reads_as_end_of_stream()
    {
        var network = new InMemoryNetwork();
        using var source = network.CreateSource();
        var client = network.Connect();
        var events = new ConnectionEvent[8];
        source.Poll(events, 1000);
        long conn = events[0].Connection;
        client.Dispose();
        Assert.Equal(0, source.Receive(conn, new byte[4]));
    }

    [Fact]
    public void Connections_are_spread_over_the_sources()
    {
        var network = new InMemoryNetwork();
        using var a = network.CreateSource();
        using var b = network.CreateSource();
        using var c1 = network.Connect();
        using var c2 = network.Connect();
        var events = new ConnectionEvent[4];
        Assert.Equal(1, a.Poll(events, 100));
        Assert.Equal(1, b.Poll(events, 100));
    }

    [Fact]
    public void Connect_without_a_listening_server_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new InMemoryNetwork().Connect());
    }
}
