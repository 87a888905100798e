using System.Net.Sockets;
using Arrakis.IoBypass.Linux.Sockets;
using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Linux.Tests.Sockets;

/// <summary>The epoll source against real loopback sockets: accept, receive, send, end of stream, wakeups, busy ports.</summary>
public sealed class EpollConnectionSourceTests
{
    private static ConnectionEvent[] PollUntil(IConnectionSource source, Func<ConnectionEvent, bool> wanted)
    {
        var events = new ConnectionEvent[16];
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            int n = source.Poll(events, 100);
            var seen = events.Take(n).ToArray();
            if (seen.Any(wanted)) return seen;
        }
        throw new TimeoutException("no such event");
    }

    [Fact]
    public void Accepts_receives_sends_and_sees_the_peer_close()
    {
        using var listener = new KernelListener(["127.0.0.1"], 0, 16);
        using var source = new EpollConnectionSource(listener);
        using var client = new TcpClient("127.0.0.1", listener.Port);
        long conn = PollUntil(source, e => e.Kind == ConnectionEventKind.Accepted).First(e => e.Kind == ConnectionEventKind.Accepted).Connection;
        var (remote, local) = source.DescribeEndpoints(conn);
        Assert.Equal($"127.0.0.1:{listener.Port}", local);
        Assert.StartsWith("127.0.0.1:", remote);

        var buffer = new byte[64];
        Assert.Equal(-Errno.EAGAIN, source.Receive(conn, buffer));
        client.GetStream().Write("PING\r\n"u8);
        PollUntil(source, e => e.Kind == ConnectionEventKind.Readable && e.Connection == conn);
        int n = source.Receive(conn, buffer);
        Assert.Equal("PING\r\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal(7, source.Send(conn, "+PONG\r\n"u8));
        var reply = new byte[7];
        client.GetStream().ReadExactly(reply);
        Assert.Equal("+PONG\r\n", System.Text.Encoding.ASCII.GetString(reply));

        client.Client.Shutdown(SocketShutdown.Send);
        PollUntil(source, e => e.Kind == ConnectionEventKind.Readable && e.Connection == conn);
        Assert.Equal(0, source.Receive(conn, buffer));
        source.Close(conn);
    }

    [Fact]
    public void Wake_from_another_thread_ends_a_blocking_poll()
    {
        using var listener = new KernelListener(["127.0.0.1"], 0, 16);
        using var source = new EpollConnectionSource(listener);
        var waker = new Thread(() =>
        {
            Thread.Sleep(100);
            source.Wake();
        });
        waker.Start();
        var events = new ConnectionEvent[4];
        int n = source.Poll(events, 5000);
        waker.Join();
        Assert.Equal(1, n);
        Assert.Equal(ConnectionEventKind.Wakeup, events[0].Kind);
    }

    [Fact]
    public unsafe void WatchSignal_reports_a_written_eventfd_as_a_wakeup_once_per_edge()
    {
        using var listener = new KernelListener(["127.0.0.1"], 0, 16);
        using var source = new EpollConnectionSource(listener);
        int efd = Tmds.Linux.LibC.eventfd(0, 0x800 | 0x80000);
        Assert.True(efd >= 0);
        try
        {
            Assert.True(source.WatchSignal(efd));
            var events = new ConnectionEvent[4];
            Assert.Equal(0, source.Poll(events, 0));
            var writer = new Thread(() =>
            {
                Thread.Sleep(50);
                ulong one = 1;
                Tmds.Linux.LibC.write(efd, &one, sizeof(ulong));
            });
            writer.Start();
            var seen = PollUntil(source, e => e.Kind == ConnectionEventKind.Wakeup); // epoll_wait may return early on EINTR
            writer.Join();
            Assert.Equal([new ConnectionEvent(ConnectionEventKind.Wakeup, 0)], seen);
            // Edge-triggered and not drained by the source: no second report until it is signalled again.
            Assert.Equal(0, source.Poll(events, 0));
            ulong value;
            Assert.Equal(8, (long)Tmds.Linux.LibC.read(efd, &value, sizeof(ulong)));
            Assert.Equal(1UL, value);
        }
        finally
        {
            Tmds.Linux.LibC.close(efd);
        }
    }

    [Fact]
    public unsafe void WaitSignal_sleeps_through_connection_input_and_ends_on_a_signal_or_a_wake()
    {
        using var listener = new KernelListener(["127.0.0.1"], 0, 16);
        using var source = new EpollConnectionSource(listener);
        using var client = new TcpClient("127.0.0.1", listener.Port);
        long conn = PollUntil(source, e => e.Kind == ConnectionEventKind.Accepted).First(e => e.Kind == ConnectionEventKind.Accepted).Connection;
        int efd = Tmds.Linux.LibC.eventfd(0, 0x800 | 0x80000);
        Assert.True(efd >= 0);
        try
        {
            Assert.True(source.WatchSignal(efd));
            // Input on a connection does not end the wait (it stays for the next Poll).
            client.GetStream().Write("PING\r\n"u8);
            Thread.Sleep(20);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.True(source.WaitSignal(150));
            Assert.True(clock.ElapsedMilliseconds >= 100, $"woke after {clock.ElapsedMilliseconds} ms");
            var events = new ConnectionEvent[4];
            int n = source.Poll(events, 0);
            Assert.Contains(new ConnectionEvent(ConnectionEventKind.Readable, conn), events.Take(n));

            // The watched eventfd ends it.
            var writer = new Thread(() =>
            {
                Thread.Sleep(50);
                ulong one = 1;
                Tmds.Linux.LibC.write(efd, &one, sizeof(ulong));
            });
            clock.Restart();
            writer.Start();
            Assert.True(source.WaitSignal(5000));
            writer.Join();
            Assert.True(clock.ElapsedMilliseconds < 4000);

            // So does a Wake(), also one made before the wait and not yet read by Poll.
            source.Wake();
            clock.Restart();
            Assert.True(source.WaitSignal(5000));
            Assert.True(clock.ElapsedMilliseconds < 4000);
        }
        finally
        {
            Tmds.Linux.LibC.close(efd);
        }
    }

    [Fact]
    public void A_busy_port_is_a_clear_startup_error()
    {
        using var first = new KernelListener(["127.0.0.1"], 0, 16);
        var e = Assert.Throws<InvalidOperationException>(() => new KernelListener(["127.0.0.1"], first.Port, 16));
        Assert.Contains("Address already in use", e.Message);
        Assert.Contains($"127.0.0.1:{first.Port}", e.Message);
    }
}
