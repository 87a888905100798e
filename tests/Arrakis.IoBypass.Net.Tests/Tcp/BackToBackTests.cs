using Arrakis.IoBypass.Net.Tcp;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Two sockets over a lossy in-memory link: byte-exact transfers both ways and a clean close.</summary>
public sealed class BackToBackTests
{
    private sealed class App(TcpSocket socket, byte[] outgoing, int expectIncoming, int readChunk = 8192)
    {
        public TcpSocket Socket { get; } = socket;
        public byte[] Incoming { get; } = new byte[expectIncoming];
        public int Sent { get; private set; }
        public int Received { get; private set; }
        private readonly byte[] _buffer = new byte[readChunk];
        public bool ReadOnce { get; init; }
        public ManualClock? Clock { get; init; }
        public long ReadInterval { get; init; }
        private long _lastRead = long.MinValue / 2;

        public void Run()
        {
            if (Sent < outgoing.Length && Socket.CanSend) Sent += Socket.Send(outgoing.AsSpan(Sent));
            if (Sent == outgoing.Length && Socket.State is TcpState.Established or TcpState.CloseWait) Socket.Close();
            int n;
            if (Clock is not null && Clock.NowMicroseconds - _lastRead < ReadInterval) return;
            if (Clock is not null) _lastRead = Clock.NowMicroseconds;
            while ((n = Socket.Receive(_buffer)) > 0)
            {
                Assert.True(Received + n <= Incoming.Length, "more bytes than were sent");
                _buffer.AsSpan(0, n).CopyTo(Incoming.AsSpan(Received));
                Received += n;
                if (ReadOnce) break;
            }
        }
    }

    [Theory]
    [InlineData(1, 0.0, 0.0, 0.0)]
    [InlineData(2, 0.02, 0.01, 0.05)]
    [InlineData(3, 0.05, 0.02, 0.10)]
    [InlineData(4, 0.10, 0.05, 0.10)]
    [InlineData(5, 0.10, 0.05, 0.30)]
    [InlineData(6, 0.15, 0.0, 0.0)]
    public void One_megabyte_each_way_arrives_byte_exact_and_both_sides_close(int seed, double drop, double duplicate, double reorder)
    {
        const int size = 1 << 20;
        var random = new Random(seed);
        var aData = new byte[size];
        var bData = new byte[size];
        random.NextBytes(aData);
        random.NextBytes(bData);
        var config = TcpScript.Config(c => c with { MaxSegmentLifetime = 1 * TcpConfig.Second, MaxRetransmissions = 30 });
        var a = new TcpSocket(config);
        var b = new TcpSocket(config);
        var link = new LossyLink(seed, drop, duplicate, reorder, delay: 5 * TcpConfig.Millisecond);
        Assert.True(b.Listen(TcpScript.Server));
        Assert.True(a.Connect(TcpScript.Client, TcpScript.Server, 0));
        var appA = new App(a, aData, size);
        var appB = new App(b, bData, size);
        for (int step = 0; step < 2_000_000; step++)
        {
            appA.Run();
            appB.Run();
            if (a.State == TcpState.Closed && b.State == TcpState.Closed) break;
            link.Step(a, b);
        }
        Assert.True(size == appA.Received && size == appB.Received, $"stalled at {link.Clock.NowMicroseconds}us: a {a.State} {a.CloseReason} sent {appA.Sent} got {appA.Received} q {a.SendQueueLength} wnd {a.SendWindow}; b {b.State} {b.CloseReason} sent {appB.Sent} got {appB.Received} q {b.SendQueueLength} wnd {b.SendWindow}; idle {link.Idle}");
        Assert.Equal(size, appA.Received);
        Assert.Equal(size, appB.Received);
        Assert.True(aData.AsSpan().SequenceEqual(appB.Incoming), "a -> b differs");
        Assert.True(bData.AsSpan().SequenceEqual(appA.Incoming), "b -> a differs");
        Assert.Equal(TcpState.Closed, a.State);
        Assert.Equal(TcpState.Closed, b.State);
        Assert.Equal(TcpCloseReason.None, a.CloseReason);
        Assert.Equal(TcpCloseReason.None, b.CloseReason);
        Assert.True(a.IsReceiveFinished && b.IsReceiveFinished);
    }

    [Fact]
    public void Corrupted_segments_are_caught_by_the_checksum_and_recovered_like_losses()
    {
        const int size = 256 * 1024;
        var data = new byte[size];
        new Random(21).NextBytes(data);
        var a = new TcpSocket(TcpScript.Config(c => c with { MaxSegmentLifetime = TcpConfig.Second }));
        var b = new TcpSocket(TcpScript.Config(c => c with { MaxSegmentLifetime = TcpConfig.Second }));
        var link = new LossyLink(21, 0, 0, 0, delay: 1 * TcpConfig.Millisecond) { Corrupt = 0.05, BitsPerSecond = 100_000_000 };
        b.Listen(TcpScript.Server);
        a.Connect(TcpScript.Client, TcpScript.Server, 0);
        var appA = new App(a, data, 0);
        var appB = new App(b, [], size);
        for (int step = 0; step < 1_000_000 && !(a.State == TcpState.Closed && b.State == TcpState.Closed); step++)
        {
            appA.Run();
            appB.Run();
            link.Step(a, b);
        }
        Assert.True(data.AsSpan().SequenceEqual(appB.Incoming));
        Assert.True(link.Corrupted > 0);
        Assert.Equal(TcpState.Closed, a.State);
        Assert.Equal(TcpState.Closed, b.State);
    }

    [Theory]
    [InlineData(11, 0.0)]
    [InlineData(12, 0.05)]
    public void Slow_readers_behind_small_buffers_exercise_zero_windows_and_still_finish(int seed, double drop)
    {
        const int size = 64 * 1024;
        var random = new Random(seed);
        var aData = new byte[size];
        var bData = new byte[size];
        random.NextBytes(aData);
        random.NextBytes(bData);
        var config = TcpScript.Config(c => c with
        {
            ReceiveBufferSize = 2048, SendBufferSize = 4096, MaxSegmentSize = 536,
            MaxSegmentLifetime = TcpConfig.Second, MaxRetransmissions = 30, MaxRto = 4 * TcpConfig.Second,
        });
        var a = new TcpSocket(config);
        var b = new TcpSocket(config);
        var link = new LossyLink(seed, drop, 0.01, 0.02, delay: 2 * TcpConfig.Millisecond) { BitsPerSecond = 10_000_000 };
        b.Listen(TcpScript.Server);
        a.Connect(TcpScript.Client, TcpScript.Server, 0);
        // a reader that takes 200 bytes every 400 ms: the 2 KiB windows close and stay closed past the RTO, so the persist timers fire
        var appA = new App(a, aData, size, readChunk: 200) { ReadOnce = true, Clock = link.Clock, ReadInterval = 400 * TcpConfig.Millisecond };
        var appB = new App(b, bData, size, readChunk: 200) { ReadOnce = true, Clock = link.Clock, ReadInterval = 400 * TcpConfig.Millisecond };
        for (int step = 0; step < 2_000_000 && !(a.State == TcpState.Closed && b.State == TcpState.Closed); step++)
        {
            appA.Run();
            appB.Run();
            link.Step(a, b);
        }
        for (int i = 0; i < 10_000; i++)
        {
            link.Clock.Advance(400 * TcpConfig.Millisecond);
            appA.Run(); // bytes that arrived before CLOSED stay readable
            appB.Run();
        }
        Assert.True(aData.AsSpan().SequenceEqual(appB.Incoming), $"a -> b: {appB.Received} of {size}, {a.State}/{b.State}");
        Assert.True(bData.AsSpan().SequenceEqual(appA.Incoming), $"b -> a: {appA.Received} of {size}");
        Assert.Equal(TcpCloseReason.None, a.CloseReason);
        Assert.Equal(TcpCloseReason.None, b.CloseReason);
        Assert.True(a.WindowProbes + b.WindowProbes > 0, $"no zero window was probed; t={link.Clock.NowMicroseconds} rto={a.Rtt.Rto} srtt={a.Rtt.Srtt} timeouts={a.Timeouts}");
    }
}
