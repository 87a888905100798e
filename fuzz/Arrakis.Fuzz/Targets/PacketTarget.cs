using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// The user-space network stack's wire parsers (IoBypass.Net) against arbitrary bytes. Input: an
/// Ethernet frame. It is walked as a receive path will walk it (Ethernet, then ARP or IPv4, then ICMP
/// or TCP); every parser also runs on the raw bytes as if it were the outermost layer, once as they are
/// and once with the IPv4, ICMP and TCP checksums repaired (so that the fuzzer reaches the checks behind
/// them). Oracles: nothing throws; every repr that parses Ok emits bytes that parse back Ok to an equal
/// repr (TCP: minus the SACK blocks that do not fit this stack's option layout).
/// </summary>
internal static class PacketTarget
{
    private const int MaxLength = 4096;
    private static readonly Ipv4Address Client = new(10, 0, 0, 1);
    private static readonly Ipv4Address Server = new(10, 0, 0, 2);

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        var bytes = data.ToArray();
        Frame(bytes);
        Arp(bytes);
        Ip(bytes);
        Icmp(bytes);
        Tcp(bytes, Client, Server);
        TcpOptionCodec.TryParse(bytes, out _);

        var repaired = data.ToArray();
        if (Ipv4Packet.TryNew(repaired, out var ip) == WireStatus.Ok) ip.FillChecksum();
        Ip(repaired);
        repaired = data.ToArray();
        if (IcmpV4Packet.TryNew(repaired, out var icmp) == WireStatus.Ok) icmp.FillChecksum();
        Icmp(repaired);
        repaired = data.ToArray();
        if (TcpSegment.TryNew(repaired, out var tcp) == WireStatus.Ok) tcp.FillChecksum(Client, Server);
        Tcp(repaired, Client, Server);

        Iface(data, dedicated: true);
        Iface(data, dedicated: false);
    }

    private static readonly EthernetAddress ServerMac = new(0x02, 0, 0, 0, 0, 0x02);

    /// <summary>
    /// The frame through the interface layer (addressed to us: our MAC and IPv4 address written over the
    /// frame's, checksums repaired). Oracles: nothing throws; the frame lands in exactly one counter; an
    /// answer fits the buffer and parses as an Ethernet frame from us.
    /// </summary>
    private static void Iface(ReadOnlySpan<byte> data, bool dedicated)
    {
        var buffer = new byte[2048];
        data[..Math.Min(data.Length, buffer.Length)].CopyTo(buffer);
        int length = Math.Min(data.Length, buffer.Length);
        if (length >= 6) ServerMac.CopyTo(buffer);
        if (length >= 14 && Ipv4Packet.TryNew(buffer.AsSpan(14, length - 14), out var ip) == WireStatus.Ok)
        {
            ip.Destination = Server;
            ip.FillChecksum();
            if (ip.Protocol == (byte)IpProtocol.Tcp && TcpSegment.TryNew(ip.Payload, out var seg) == WireStatus.Ok) seg.FillChecksum(ip.Source, Server);
            if (ip.Protocol == (byte)IpProtocol.Icmp && IcmpV4Packet.TryNew(ip.Payload, out var icmp) == WireStatus.Ok) icmp.FillChecksum();
        }
        var iface = new NetInterface(new InterfaceConfig(ServerMac, Server, dedicated));
        var action = iface.Receive(buffer, length, 0, out _, out int replyLength);
        var c = iface.Counters;
        long landed = c.NotForUs + c.Malformed + c.BadChecksum + c.Fragments + c.Unsupported + c.LeftToHost
                      + c.ArpRequestsAnswered + c.ArpRepliesLearned + c.EchoRequestsAnswered + c.TcpSegmentsDelivered;
        if (landed != 1) throw new FuzzFailure($"iface: a frame landed in {landed} counters ({action})");
        if (action == RxAction.Transmit)
        {
            if (replyLength <= 0 || replyLength > buffer.Length) throw new FuzzFailure($"iface: reply length {replyLength}");
            if (EthernetRepr.TryParse(buffer.AsSpan(0, replyLength), out var eth) != WireStatus.Ok || eth.Source != ServerMac)
                throw new FuzzFailure("iface: the answer is not an Ethernet frame from us");
        }
    }

    private static void Frame(Span<byte> bytes)
    {
        if (EthernetFrame.TryNew(bytes, out var frame) != WireStatus.Ok) return;
        if (EthernetRepr.TryParse(frame, out var repr) != WireStatus.Ok) return;
        var copy = new byte[repr.BufferLength];
        repr.Emit(copy);
        Expect(EthernetRepr.TryParse(copy, out var again), again == repr, "ethernet", repr, again);
        if (repr.EtherType == EtherType.Arp) Arp(frame.Payload);
        if (repr.EtherType == EtherType.Ipv4) Ip(frame.Payload);
    }

    private static void Arp(Span<byte> bytes)
    {
        if (ArpRepr.TryParse(bytes, out var repr) != WireStatus.Ok) return;
        var copy = new byte[repr.BufferLength];
        repr.Emit(copy);
        Expect(ArpRepr.TryParse(copy, out var again), again == repr, "arp", repr, again);
    }

    private static void Ip(Span<byte> bytes)
    {
        if (Ipv4Packet.TryNew(bytes, out var packet) != WireStatus.Ok) return;
        if (Ipv4Repr.TryParse(packet, out var repr) != WireStatus.Ok) return;
        var copy = new byte[repr.BufferLength];
        repr.Emit(copy);
        Expect(Ipv4Repr.TryParse(copy, out var again), again == repr, "ipv4", repr, again);
        if (repr.IsFragment) return;
        if (repr.Protocol == IpProtocol.Icmp) Icmp(packet.Payload);
        if (repr.Protocol == IpProtocol.Tcp) Tcp(packet.Payload, repr.Source, repr.Destination);
    }

    private static void Icmp(Span<byte> bytes)
    {
        if (IcmpV4Packet.TryNew(bytes, out var packet) != WireStatus.Ok) return;
        if (IcmpV4Repr.TryParse(packet, out var repr) != WireStatus.Ok) return;
        var copy = new byte[repr.BufferLength];
        repr.Emit(copy, packet.Data);
        Expect(IcmpV4Repr.TryParse(copy, out var again), again == repr, "icmp", repr, again);
    }

    private static void Tcp(Span<byte> bytes, Ipv4Address source, Ipv4Address destination)
    {
        if (TcpSegment.TryNew(bytes, out var segment) != WireStatus.Ok) return;
        if (TcpRepr.TryParse(segment, source, destination, out var repr) != WireStatus.Ok) return;
        var copy = new byte[repr.BufferLength];
        repr.Emit(copy, source, destination, segment.Payload);
        var options = repr.Options;
        var expected = repr with { Options = options with { SackBlocks = options.SackBlocks.Take(TcpOptionCodec.SackBlocksThatFit(options)) } };
        Expect(TcpRepr.TryParse(copy, source, destination, out var again), again == expected, "tcp", expected, again);
    }

    private static void Expect<T>(WireStatus status, bool equal, string layer, T emitted, T parsed)
    {
        if (status != WireStatus.Ok) throw new FuzzFailure($"{layer}: {emitted} emitted, parsed back as {status}");
        if (!equal) throw new FuzzFailure($"{layer}: {emitted} emitted, parsed back as {parsed}");
    }
}
