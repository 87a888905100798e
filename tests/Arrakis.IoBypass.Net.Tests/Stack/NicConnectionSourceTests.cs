using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Stack;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Tests.Tcp;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Middleware;
using Arrakis.IoBypass.Nic.Simulated;
using static Arrakis.IoBypass.Net.Tests.Iface.Frames;

namespace Arrakis.IoBypass.Net.Tests.Stack;

/// <summary>
/// The stack as a network source, over a simulated VF: clients (TCP sockets of a second stack) connect,
/// an echo loop serves them through the IConnectionSource calls a data-plane thread makes, with and
/// without loss, reordering and duplication; everything comes back byte-exact.
/// </summary>
public sealed class NicConnectionSourceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const ushort Port = 6379;
    private readonly ManualClock _clock = new() { NowMicroseconds = 1_000_000 };
    private static readonly TcpConfig Config = new() { InitialRto = 200 * TcpConfig.Millisecond, MinRto = 200 * TcpConfig.Millisecond, MaxRto = 2 * TcpConfig.Second, MaxRetransmissions = 30 };

    private (NicConnectionSource Server, ClientStack Client, FaultInjector? ServerFaults, FaultInjector? ClientFaults) Build(FaultOptions? faults = null, int backlog = 16)
    {
        var (a, b) = SimulatedVf.CreatePair(frames: 1024);
        INicQueue clientQueue = a, serverQueue = b;
        FaultInjector? cf = null, sf = null;
        if (faults is not null)
        {
            clientQueue = cf = new FaultInjector(a, faults, () => _clock.NowMicroseconds);
            serverQueue = sf = new FaultInjector(b, faults with { Seed = faults.Seed + 1 }, () => _clock.NowMicroseconds);
        }
        var server = new NicConnectionSource(serverQueue, new NetInterface(new InterfaceConfig(OurMac, Us, Dedicated: true)), Port, Config, _clock, new EventIdleWaiter(), backlog);
        var client = new ClientStack(clientQueue, new NetInterface(new InterfaceConfig(PeerMac, Peer, Dedicated: true)), Config);
        return (server, client, sf, cf);
    }

    /// <summary>Runs client and server in turn, 1 ms of simulated time per round, until <paramref name="done"/> or the round limit.</summary>
    private void Run(ClientStack client, EchoServer server, Func<bool> done, int rounds, Action? eachRound = null)
    {
        for (int i = 0; i < rounds && !done(); i++)
        {
            client.Step(_clock.NowMicroseconds);
            server.Step();
            eachRound?.Invoke();
            _clock.Advance(TcpConfig.Millisecond);
        }
        Assert.True(done(), $"not done after {rounds} rounds");
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Pushes <paramref name="data"/> through <paramref name="socket"/> and collects the echo.</summary>
    private sealed class Transfer(TcpSocket socket, byte[] data)
    {
        private int _sent;
        private readonly MemoryStream _echo = new();
        private readonly byte[] _buffer = new byte[8192];

        public bool Complete => _echo.Length == data.Length;

        public void Pump()
        {
            if (socket.State is not (TcpState.Established or TcpState.CloseWait)) return;
            if (_sent < data.Length) _sent += socket.Send(data.AsSpan(_sent));
            int n;
            while ((n = socket.Receive(_buffer)) > 0) _echo.Write(_buffer, 0, n);
        }

        public byte[] Echo => _echo.ToArray();

        public TcpSocket Socket => socket;
    }

    [Fact]
    public void A_client_connects_and_its_bytes_come_back_over_a_clean_link()
    {
        var (source, client, _, _) = Build();
        var echo = new EchoServer(source);
        var data = Pattern(300_000, 1);
        var socket = client.Connect(40000, new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
        var t = new Transfer(socket, data);
        Run(client, echo, () => t.Complete, rounds: 20_000, eachRound: t.Pump);
        Assert.Equal(data, t.Echo);
        Assert.Equal(1, echo.Accepted);
        Assert.Equal(1, source.Connections);

        // The client closes: the server loop sees the end of stream, closes too, and the connection goes away.
        socket.Close();
        Run(client, echo, () => echo.Closed == 1 && socket.State is TcpState.TimeWait or TcpState.Closed, rounds: 5_000);
        Run(client, echo, () => source.Connections == 0, rounds: 5_000);
    }

    [Theory]
    [InlineData(0.02, 11)]
    [InlineData(0.05, 12)]
    [InlineData(0.10, 13)]
    public void Twenty_clients_get_their_bytes_back_through_loss_reordering_and_duplication(double loss, int seed)
    {
        var (source, client, sf, cf) = Build(new FaultOptions { Seed = seed, Drop = loss, Reorder = loss, Duplicate = loss / 2 });
        var echo = new EchoServer(source);
        var transfers = new List<(Transfer T, byte[] Data)>();
        for (int i = 0; i < 20; i++)
        {
            var data = Pattern(20_000 + i * 1000, seed * 100 + i);
            var socket = client.Connect((ushort)(40000 + i), new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
            transfers.Add((new Transfer(socket, data), data));
        }
        Run(client, echo, () => transfers.All(x => x.T.Complete), rounds: 200_000, eachRound: () => transfers.ForEach(x => x.T.Pump()));
        foreach (var (t, data) in transfers) Assert.Equal(data, t.Echo);
        Assert.Equal(20, echo.Accepted);
        Assert.True(sf!.Dropped + cf!.Dropped > 0);
        Assert.True(transfers.Sum(x => x.T.Socket.Retransmissions) > 0, "the loss never made the clients retransmit");
    }

    /// <summary>The netsim sweep: 10 MB through the stack's echo loop and back, per loss rate (with as much
    /// reordering and half as much duplication); byte-exact every time, goodput reported in simulated time.</summary>
    [Fact]
    public void Ten_megabytes_echo_byte_exact_at_every_loss_rate_and_goodput_is_reported()
    {
        var data = Pattern(10 << 20, 99);
        foreach (double loss in new[] { 0.0, 0.02, 0.05, 0.10 })
        {
            long start = _clock.NowMicroseconds;
            var (source, client, sf, cf) = Build(new FaultOptions { Seed = 77, Drop = loss, Reorder = loss, Duplicate = loss / 2 });
            var echo = new EchoServer(source);
            var socket = client.Connect(41000, new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
            var t = new Transfer(socket, data);
            Run(client, echo, () => t.Complete, rounds: 1_000_000, eachRound: t.Pump);
            Assert.True(data.AsSpan().SequenceEqual(t.Echo), $"the echo differs at {loss:P0} loss");
            double seconds = (_clock.NowMicroseconds - start) / 1e6;
            output.WriteLine($"loss {loss,4:P0} (reorder {loss:P0}, duplicate {loss / 2:P0}): 10 MiB each way in {seconds,6:F2} s simulated, "
                + $"{2 * data.Length * 8 / seconds / 1e6,6:F1} Mbit/s goodput, client {socket.Retransmissions} retransmissions ({socket.Timeouts} timeouts), "
                + $"{sf!.Dropped + cf!.Dropped} frames dropped");
        }
    }

    /// <summary>Thousands of idle pooled connections are common: the work of a batch must follow what happened in it,
    /// not the number of connections held.</summary>
    [Fact]
    public void Idle_connections_cost_nothing_per_batch()
    {
        var (source, client, _, _) = Build(backlog: 1024);
        var echo = new EchoServer(source);
        var idle = new List<TcpSocket>();
        for (int i = 0; i < 500; i++) idle.Add(client.Connect((ushort)(20000 + i), new TcpEndpoint(Us, Port), _clock.NowMicroseconds));
        Run(client, echo, () => echo.Accepted == 500, rounds: 5_000);
        Run(client, echo, () => true, rounds: 500); // delayed ACKs and the like settle
        var busy = client.Connect(40020, new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
        var t = new Transfer(busy, Pattern(200_000, 5));
        long before = source.Dispatched;
        int rounds = 0;
        Run(client, echo, () => t.Complete, rounds: 20_000, eachRound: () => { t.Pump(); rounds++; });
        Assert.Equal(t.Echo, Pattern(200_000, 5));
        long perRound = (source.Dispatched - before) / Math.Max(1, rounds);
        Assert.True(perRound <= 2, $"{source.Dispatched - before} dispatches in {rounds} rounds with 500 idle connections");
        Assert.All(idle, s => Assert.Equal(TcpState.Established, s.State));
    }

    [Fact]
    public void A_segment_for_no_connection_and_a_syn_to_another_port_are_answered_with_a_reset()
    {
        var (source, client, _, _) = Build();
        var echo = new EchoServer(source);
        var other = client.Connect(40001, new TcpEndpoint(Us, 6380), _clock.NowMicroseconds);
        Run(client, echo, () => other.State == TcpState.Closed, rounds: 2_000);
        Assert.Equal(TcpCloseReason.Reset, other.CloseReason);
        Assert.Equal(0, echo.Accepted);
        Assert.True(source.ResetsSent >= 1);
    }

    [Fact]
    public void The_next_timer_is_a_sockets_deadline_and_none_when_idle()
    {
        var (source, client, _, _) = Build();
        Assert.Equal(long.MaxValue, source.NextTimerMs);
        var echo = new EchoServer(source);
        var socket = client.Connect(40002, new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
        Run(client, echo, () => echo.Accepted == 1, rounds: 1_000);
        socket.Send(new byte[100]);
        client.Step(_clock.NowMicroseconds); // the data reaches the server; its delayed ACK is a timer
        var events = new Arrakis.IoBypass.Transport.ConnectionEvent[8];
        source.Poll(events, 0);
        source.Flush(); // the end of the loop's batch, before it sleeps: the socket's deadlines are filed
        long next = source.NextTimerMs;
        Assert.NotEqual(long.MaxValue, next);
        Assert.InRange(next - Environment.TickCount64, 0, 2 * Config.DelayedAckTimeout / 1000 + 10);
    }

    /// <summary>A frame from <paramref name="source"/> (any address: spoofed ones nobody answers ARP for) to our port, sent from the client's queue.</summary>
    private static void Inject(ClientStack client, Ipv4Address source, TcpRepr segment)
    {
        var tcp = new byte[segment.BufferLength];
        segment.Emit(tcp, source, Us, default);
        var frame = new byte[14 + 20 + tcp.Length];
        new EthernetRepr(OurMac, PeerMac, EtherType.Ipv4).Emit(frame);
        new Ipv4Repr { Source = source, Destination = Us, Protocol = IpProtocol.Tcp, PayloadLength = tcp.Length, TimeToLive = 64 }.Emit(frame.AsSpan(14));
        tcp.CopyTo(frame.AsSpan(34));
        var one = new PacketBuffer[1];
        Assert.Equal(1, client.Queue.Allocate(one));
        frame.CopyTo(client.Queue.Data(one[0]));
        one[0] = one[0].WithLength(frame.Length);
        Assert.Equal(1, client.Queue.TxBurst(one));
        client.Queue.Flush();
    }

    private static TcpRepr SpoofedSyn(int i) => new()
    {
        SourcePort = (ushort)(30000 + i), DestinationPort = Port, SequenceNumber = (uint)(1000 * i), Flags = TcpFlags.Syn, Window = 64240,
        Options = new TcpOptions { MaxSegmentSize = 1460, WindowScale = 7, SackPermitted = true, Timestamp = new TcpTimestamp(1, 0) },
    };

    private static Ipv4Address Spoofed(int i) => new(198, 18, 0, (byte)(100 + i));

    [Fact]
    public void Syns_beyond_the_half_open_budget_get_cookies_and_a_real_client_still_connects_with_every_option()
    {
        var (source, client, _, _) = Build(backlog: 2);
        var echo = new EchoServer(source);
        // A flood from addresses nobody answers for: two become half-open connections, the rest cost nothing.
        for (int i = 0; i < 50; i++) Inject(client, Spoofed(i), SpoofedSyn(i));
        echo.Step();
        Assert.Equal(2, source.HalfOpen);
        Assert.Equal(2, source.Connections);
        Assert.Equal(48, source.SynCookiesSent);

        var data = Pattern(300_000, 7);
        var socket = client.Connect(40010, new TcpEndpoint(Us, Port), _clock.NowMicroseconds);
        var t = new Transfer(socket, data);
        Run(client, echo, () => t.Complete, rounds: 20_000, eachRound: t.Pump);
        Assert.Equal(data, t.Echo);
        Assert.Equal(1, echo.Accepted);
        Assert.Equal(1, source.SynCookiesAccepted);
        Assert.Equal(2, source.HalfOpen); // the flood's half-open ones still wait
        // The cookie's connection agreed on what a normal one does: timestamps, SACK, window scaling, the MSS.
        Assert.True(socket.TimestampsEnabled);
        Assert.True(socket.SackEnabled);
        Assert.Equal(Config.ReceiveWindowShift, socket.WindowShift.Send);
        Assert.Equal(Config.MaxSegmentSize - 12, socket.SendMss);
    }

    [Fact]
    public void An_ack_with_a_wrong_cookie_gets_a_reset_and_no_connection()
    {
        var (source, client, _, _) = Build(backlog: 1);
        var echo = new EchoServer(source);
        Inject(client, Spoofed(0), SpoofedSyn(0));
        Inject(client, Spoofed(1), SpoofedSyn(1)); // the budget is full: a cookie went out, cookies are checked now
        echo.Step();
        Assert.Equal(1, source.SynCookiesSent);
        long resets = source.ResetsSent;
        Inject(client, Peer, new TcpRepr { SourcePort = 45000, DestinationPort = Port, SequenceNumber = 5001, AcknowledgmentNumber = 123456, Flags = TcpFlags.Ack, Window = 100 });
        echo.Step();
        Assert.Equal(resets + 1, source.ResetsSent);
        Assert.Equal(0, source.SynCookiesAccepted);
        Assert.Equal(1, source.Connections);
    }

    [Fact]
    public void A_half_open_connection_reset_by_its_peer_is_forgotten()
    {
        var (source, client, _, _) = Build();
        var echo = new EchoServer(source);
        Inject(client, Peer, SpoofedSyn(0) with { SourcePort = 45001 });
        echo.Step();
        Assert.Equal(1, source.HalfOpen);
        // RFC 9293 §3.10.7.4: a RST in SYN-RECEIVED (passive open) returns the connection to LISTEN; here it goes away.
        Inject(client, Peer, new TcpRepr { SourcePort = 45001, DestinationPort = Port, SequenceNumber = 1, Flags = TcpFlags.Rst, Window = 0 });
        echo.Step();
        Assert.Equal(0, source.HalfOpen);
        Assert.Equal(0, source.Connections);
        Assert.Equal(0, echo.Accepted);
    }
}
