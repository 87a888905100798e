using Arrakis.IoBypass.Net;
using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Stack;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Simulated;
using Arrakis.IoBypass.Transport;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// The user-space TCP stack as the data plane runs it (<see cref="NicConnectionSource"/> over a simulated VF,
/// an echo application on top, a backlog of 2 half-open connections so that SYN cookies come into play) fed
/// segments a peer model builds from the input. Each 8-byte record is one segment: who sends it (4 addresses,
/// two of which answer ARP and two that never do, times 4 ports), how far the clock moves first, the flags,
/// SEQ and ACK relative to what the stack last sent that peer (so that handshakes complete, cookies come back
/// and data lands in the window), the window, the options, and the payload length. Oracles: nothing throws;
/// every frame the stack sends parses; the stack's bookkeeping and every socket's sequence variables stay
/// consistent (<see cref="NicConnectionSource.InvariantViolation"/>), also after every timer has run out.
/// </summary>
internal static class StackTarget
{
    private const int MaxRecords = 512;
    private const ushort Port = 6379;
    private static readonly EthernetAddress PeerMac = new(0x02, 0, 0, 0, 0, 0x01);
    private static readonly EthernetAddress OurMac = new(0x02, 0, 0, 0, 0, 0x02);
    private static readonly Ipv4Address Us = new(198, 18, 0, 2);
    private static readonly byte[] Secret = [1, 2, 3, 4, 5, 6, 7, 8];

    private sealed class Clock : IClock
    {
        public long NowMicroseconds { get; set; } = 1_000_000_000;
    }

    /// <summary>What the peer model knows of one connection: the stack's next sequence number and its last ACK.</summary>
    private struct PeerView
    {
        public uint StackNext;
        public uint StackAck;
        public bool Seen;
    }

    public static void Run(ReadOnlySpan<byte> data)
    {
        var clock = new Clock();
        var (peer, server) = SimulatedVf.CreatePair(frames: 512);
        var config = new TcpConfig
        {
            IsnSecret = Secret, MinRto = 200 * TcpConfig.Millisecond, MaxRto = 4 * TcpConfig.Second, MaxRetransmissions = 4,
            ReceiveBufferSize = 8192, SendBufferSize = 8192, MaxSegmentLifetime = 2 * TcpConfig.Second,
        };
        using var source = new NicConnectionSource(server, new NetInterface(new InterfaceConfig(OurMac, Us, Dedicated: true)), Port, config, clock, new EventIdleWaiter(), backlog: 2);
        var app = new EchoApp(source);
        var views = new Dictionary<(int, int), PeerView>();
        var frame = new byte[2048];
        for (int r = 0; r + 8 <= data.Length && r / 8 < MaxRecords; r += 8)
        {
            var rec = data.Slice(r, 8);
            int who = rec[0] & 3, port = (rec[0] >> 2) & 3;
            clock.NowMicroseconds += (1L << (rec[0] >> 4)) * TcpConfig.Millisecond / 4; // 0.25 ms .. 8 s
            views.TryGetValue((who, port), out var view);
            var flags = (TcpFlags)rec[1];
            uint seq = view.Seen ? unchecked(view.StackAck + (uint)(sbyte)rec[2]) : (uint)rec[2] << 24;
            uint ack = view.Seen ? unchecked(view.StackNext + (uint)(sbyte)rec[3]) : (uint)rec[3] << 24;
            var options = new TcpOptions
            {
                MaxSegmentSize = (rec[5] & 1) != 0 ? (ushort)(rec[6] * 8) : null,
                WindowScale = (rec[5] & 2) != 0 ? (byte)(rec[6] & 15) : null,
                SackPermitted = (rec[5] & 4) != 0,
                Timestamp = (rec[5] & 8) != 0 ? new TcpTimestamp((uint)(clock.NowMicroseconds / 1000), view.Seen ? 1u : 0u) : null,
            };
            int payload = rec[7] & 0x7F;
            var segment = new TcpRepr
            {
                SourcePort = (ushort)(40000 + port), DestinationPort = (rec[5] & 0x80) != 0 ? (ushort)(Port + 1) : Port,
                SequenceNumber = seq, AcknowledgmentNumber = ack, Flags = flags, Window = (ushort)(rec[4] << 8 | rec[4]),
                Options = options, PayloadLength = payload,
            };
            if (segment.HeaderLength > 60) segment = segment with { Options = default };
            Send(peer, frame, Address(who), segment, (byte)r);
            app.Step();
            Drain(peer, frame, views);
            if (source.InvariantViolation() is string violation) throw new FuzzFailure($"stack, record {r / 8}: {violation}");
        }
        if (Environment.GetEnvironmentVariable("ARRAKIS_FUZZ_TRACE") is not null)
            Console.Error.WriteLine($"stack: {app.Accepted} accepted, {app.Echoed} bytes echoed, {source.SynCookiesSent} cookies sent, {source.SynCookiesAccepted} accepted, {source.ResetsSent} resets, {source.HalfOpen} half-open");
        // Let every timer run out: retransmissions give up, TIME-WAIT ends; the stack must stay consistent.
        for (int i = 0; i < 40; i++)
        {
            clock.NowMicroseconds += TcpConfig.Second / 2;
            app.Step();
            Drain(peer, frame, views);
            if (source.InvariantViolation() is string violation) throw new FuzzFailure($"stack, draining: {violation}");
        }
    }

    /// <summary>Addresses 0 and 1 answer ARP; 2 and 3 are spoofed (nobody answers for them).</summary>
    private static Ipv4Address Address(int who) => new(198, 18, 0, (byte)(who < 2 ? 1 + 10 * who : 100 + who));

    private static void Send(INicQueue peer, byte[] frame, Ipv4Address from, in TcpRepr segment, byte fill)
    {
        int tcpLength = segment.BufferLength;
        new EthernetRepr(OurMac, PeerMac, EtherType.Ipv4).Emit(frame);
        new Ipv4Repr { Source = from, Destination = Us, Protocol = IpProtocol.Tcp, PayloadLength = tcpLength, TimeToLive = 64 }.Emit(frame.AsSpan(14));
        Span<byte> payload = stackalloc byte[segment.PayloadLength];
        payload.Fill(fill);
        segment.Emit(frame.AsSpan(34), from, Us, payload);
        var one = new PacketBuffer[1];
        if (peer.Allocate(one) != 1) return;
        frame.AsSpan(0, 34 + tcpLength).CopyTo(peer.Data(one[0]));
        one[0] = one[0].WithLength(34 + tcpLength);
        if (peer.TxBurst(one) != 1) peer.Release(one);
        peer.Flush();
    }

    /// <summary>Reads what the stack sent: ARP requests for addresses 0 and 1 are answered; TCP segments update the peer model.</summary>
    private static void Drain(INicQueue peer, byte[] frame, Dictionary<(int, int), PeerView> views)
    {
        var burst = new PacketBuffer[64];
        var one = new PacketBuffer[1];
        int n;
        while ((n = peer.RxBurst(burst)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                var bytes = peer.Data(burst[i])[..burst[i].Length];
                if (EthernetRepr.TryParse(bytes, out var eth) != WireStatus.Ok) throw new FuzzFailure("stack: sent a frame that is not Ethernet");
                if (eth.EtherType == EtherType.Arp && ArpRepr.TryParse(bytes[14..], out var arp) == WireStatus.Ok)
                {
                    for (int who = 0; who < 2; who++)
                    {
                        if (arp.TargetProtocolAddress != Address(who)) continue;
                        new EthernetRepr(OurMac, PeerMac, EtherType.Arp).Emit(frame);
                        new ArpRepr(ArpOperation.Reply, PeerMac, Address(who), OurMac, Us).Emit(frame.AsSpan(14));
                        if (peer.Allocate(one) == 1)
                        {
                            frame.AsSpan(0, 14 + ArpRepr.PacketLength).CopyTo(peer.Data(one[0]));
                            one[0] = one[0].WithLength(14 + ArpRepr.PacketLength);
                            if (peer.TxBurst(one) != 1) peer.Release(one);
                        }
                    }
                }
                else if (eth.EtherType == EtherType.Ipv4)
                {
                    if (Ipv4Repr.TryParse(bytes[14..], out var ip) != WireStatus.Ok) throw new FuzzFailure("stack: sent a malformed IPv4 packet");
                    var tcpBytes = bytes.Slice(14 + Ipv4Repr.HeaderLength, ip.PayloadLength);
                    if (TcpRepr.TryParse(tcpBytes, ip.Source, ip.Destination, out var tcp) != WireStatus.Ok) throw new FuzzFailure("stack: sent a malformed TCP segment");
                    int who = Array.FindIndex([0, 1, 2, 3], w => Address(w) == ip.Destination);
                    if (who >= 0 && tcp.DestinationPort is >= 40000 and < 40004)
                    {
                        int length = tcp.PayloadLength + ((tcp.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((tcp.Flags & TcpFlags.Fin) != 0 ? 1 : 0);
                        views[(who, tcp.DestinationPort - 40000)] = new PeerView
                        {
                            StackNext = unchecked(tcp.SequenceNumber + (uint)length),
                            StackAck = (tcp.Flags & TcpFlags.Ack) != 0 ? tcp.AcknowledgmentNumber : tcp.SequenceNumber,
                            Seen = true,
                        };
                    }
                }
            }
            peer.Release(burst.AsSpan(0, n));
        }
        peer.Flush();
    }

    /// <summary>The data-plane loop's part: accept, read, echo (at most 16 KiB held per connection), close on end of
    /// stream or once 1,000 bytes were echoed.</summary>
    private sealed class EchoApp(NicConnectionSource source)
    {
        private readonly ConnectionEvent[] _events = new ConnectionEvent[64];
        private readonly Dictionary<long, (List<byte> Pending, int Echoed)> _connections = new();
        private readonly byte[] _buffer = new byte[4096];

        public int Accepted { get; private set; }

        public long Echoed { get; private set; }

        public void Step()
        {
            for (int round = 0; round < 4; round++)
            {
                int n = source.Poll(_events, 0);
                for (int i = 0; i < n; i++) Handle(_events[i]);
                source.Flush();
                if (n == 0) break;
            }
        }

        private void Handle(ConnectionEvent e)
        {
            if (e.Kind == ConnectionEventKind.Accepted)
            {
                _connections[e.Connection] = (new List<byte>(), 0);
                Accepted++;
                return;
            }
            if (!_connections.TryGetValue(e.Connection, out var c)) return;
            while (c.Pending.Count < 16384)
            {
                int n = source.Receive(e.Connection, _buffer);
                if (n == -Errno.EAGAIN) break;
                if (n <= 0)
                {
                    source.Close(e.Connection);
                    _connections.Remove(e.Connection);
                    return;
                }
                c.Pending.AddRange(_buffer.AsSpan(0, n));
            }
            while (c.Pending.Count > 0)
            {
                int sent = source.Send(e.Connection, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(c.Pending));
                if (sent <= 0) break;
                c.Pending.RemoveRange(0, sent);
                c.Echoed += sent;
                Echoed += sent;
            }
            source.SetInterest(e.Connection, readable: c.Pending.Count < 16384, writable: c.Pending.Count > 0);
            _connections[e.Connection] = c;
            if (c.Echoed >= 1000 && c.Pending.Count == 0)
            {
                source.Close(e.Connection);
                _connections.Remove(e.Connection);
            }
        }
    }
}
