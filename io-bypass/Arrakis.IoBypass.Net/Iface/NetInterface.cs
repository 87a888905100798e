using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Iface;

/// <summary>
/// The link and network layers of the stack for one interface (smoltcp's iface): takes received
/// Ethernet frames, answers ARP and ICMP echo in place when the address is ours alone, drops and
/// counts whatever is not for us or malformed, and hands TCP segments for our address up; builds the
/// frames of outgoing TCP segments (resolving the neighbour) and ARP requests.
/// </summary>
/// <remarks>
/// One owning thread (a data-plane thread). Untrusted bytes go through the wire layer's checked
/// constructors: nothing a frame holds can throw here. Buffers are the NIC queue's; a reply is written
/// over the request (the buffer is transmitted as is).
/// </remarks>
internal sealed class NetInterface
{
    private readonly NeighborCache _neighbors;
    private ushort _identification;

    public NetInterface(InterfaceConfig config)
    {
        Config = config;
        _neighbors = new NeighborCache(config.NeighborCapacity, config.NeighborLifetimeMs);
    }

    public InterfaceConfig Config { get; }

    public InterfaceCounters Counters { get; } = new();

    public NeighborCache Neighbors => _neighbors;

    /// <summary>
    /// Handles one received frame: the first <paramref name="length"/> bytes of <paramref name="buffer"/>
    /// (the NIC queue's whole buffer, so an answer may be written over it). <see cref="RxAction.Transmit"/>:
    /// the first <paramref name="replyLength"/> bytes of <paramref name="buffer"/> hold the answer.
    /// <see cref="RxAction.DeliverTcp"/>: <paramref name="tcp"/> describes the segment (its payload is in
    /// <paramref name="buffer"/> at <see cref="TcpIngress.PayloadOffset"/>).
    /// </summary>
    public RxAction Receive(Span<byte> buffer, int length, long nowMs, out TcpIngress tcp, out int replyLength)
    {
        tcp = default;
        replyLength = 0;
        Counters.RxFrames++;
        var frameBytes = buffer[..Math.Min(length, buffer.Length)];
        var status = EthernetRepr.TryParse(frameBytes, out var eth);
        if (status != WireStatus.Ok) return Drop(status);
        if (eth.Destination != Config.Mac && !eth.Destination.IsBroadcast)
        {
            Counters.NotForUs++;
            return RxAction.Drop;
        }
        var payload = frameBytes[EthernetFrame.HeaderLength..];
        return eth.EtherType switch
        {
            EtherType.Arp => ReceiveArp(buffer, payload, eth, nowMs, out replyLength),
            EtherType.Ipv4 => ReceiveIpv4(buffer, payload, eth, nowMs, out tcp, out replyLength),
            _ => Drop(WireStatus.Unsupported),
        };
    }

    private RxAction ReceiveArp(Span<byte> buffer, Span<byte> payload, in EthernetRepr eth, long nowMs, out int replyLength)
    {
        replyLength = 0;
        var status = ArpRepr.TryParse(payload, out var arp);
        if (status != WireStatus.Ok) return Drop(status);
        // RFC 826 "Packet Reception": merge the sender if known; add it when the packet is for us.
        bool forUs = arp.TargetProtocolAddress == Config.Address;
        if (!forUs)
        {
            _neighbors.Update(arp.SenderProtocolAddress, arp.SenderHardwareAddress, nowMs);
            Counters.NotForUs++;
            return RxAction.Drop;
        }
        _neighbors.Learn(arp.SenderProtocolAddress, arp.SenderHardwareAddress, nowMs);
        if (!Config.Dedicated)
        {
            Counters.LeftToHost++; // the host's kernel owns the address and answers
            return RxAction.Drop;
        }
        if (arp.Operation == ArpOperation.Reply)
        {
            Counters.ArpRepliesLearned++;
            return RxAction.Drop;
        }
        // RFC 826: swap sender and target, put our pair in the sender fields, opcode reply.
        new EthernetRepr(arp.SenderHardwareAddress, Config.Mac, EtherType.Arp).Emit(buffer);
        new ArpRepr(ArpOperation.Reply, Config.Mac, Config.Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress)
            .Emit(buffer[EthernetFrame.HeaderLength..]);
        replyLength = EthernetFrame.HeaderLength + ArpRepr.PacketLength;
        Counters.ArpRequestsAnswered++;
        return RxAction.Transmit;
    }

    private RxAction ReceiveIpv4(Span<byte> buffer, Span<byte> payload, in EthernetRepr eth, long nowMs, out TcpIngress tcp, out int replyLength)
    {
        tcp = default;
        replyLength = 0;
        var status = Ipv4Packet.TryNew(payload, out var packet);
        if (status != WireStatus.Ok) return Drop(status);
        status = Ipv4Repr.TryParse(packet, out var ip);
        if (status != WireStatus.Ok) return Drop(status);
        if (ip.Destination != Config.Address)
        {
            Counters.NotForUs++;
            return RxAction.Drop;
        }
        if (ip.IsFragment)
        {
            Counters.Fragments++; // RFC 791 §2.3: we do not reassemble; our peers' TCP sends DF segments
            return RxAction.Drop;
        }
        _neighbors.Learn(ip.Source, eth.Source, nowMs);
        var ipPayload = packet.Payload;
        int payloadOffset = EthernetFrame.HeaderLength + packet.HeaderLength;
        switch (ip.Protocol)
        {
            case IpProtocol.Tcp:
                status = TcpRepr.TryParse(ipPayload, ip.Source, ip.Destination, out var segment);
                if (status != WireStatus.Ok) return Drop(status);
                tcp = new TcpIngress(ip.Source, ip.Destination, segment, payloadOffset + segment.HeaderLength);
                Counters.TcpSegmentsDelivered++;
                return RxAction.DeliverTcp;
            case IpProtocol.Icmp:
                return ReceiveIcmp(buffer, ipPayload, eth, ip, out replyLength);
            default:
                return Drop(WireStatus.Unsupported);
        }
    }

    private RxAction ReceiveIcmp(Span<byte> buffer, Span<byte> message, in EthernetRepr eth, in Ipv4Repr ip, out int replyLength)
    {
        replyLength = 0;
        var status = IcmpV4Packet.TryNew(message, out var icmpPacket);
        if (status != WireStatus.Ok) return Drop(status);
        status = IcmpV4Repr.TryParse(icmpPacket, out var icmp);
        if (status != WireStatus.Ok) return Drop(status);
        if (!Config.Dedicated)
        {
            Counters.LeftToHost++;
            return RxAction.Drop;
        }
        if (icmp.Kind != IcmpV4EchoKind.EchoRequest)
        {
            Counters.Unsupported++;
            return RxAction.Drop;
        }
        // RFC 792 "Echo or Echo Reply Message": addresses reversed, type 0, the same identifier, sequence
        // number and data. IPv4 options of the request are not echoed (RFC 1122 3.2.2.6 allows it).
        int ipStart = EthernetFrame.HeaderLength;
        int icmpStart = ipStart + Ipv4Repr.HeaderLength;
        var reply = new IcmpV4Repr(IcmpV4EchoKind.EchoReply, icmp.Identifier, icmp.SequenceNumber, icmp.DataLength);
        reply.Emit(buffer[icmpStart..], icmpPacket.Data); // the data may move down over the request's options
        new Ipv4Repr
        {
            Source = Config.Address,
            Destination = ip.Source,
            Protocol = IpProtocol.Icmp,
            PayloadLength = reply.BufferLength,
            TimeToLive = Config.TimeToLive,
            Identification = _identification++,
        }.Emit(buffer[ipStart..]);
        new EthernetRepr(eth.Source, Config.Mac, EtherType.Ipv4).Emit(buffer);
        replyLength = icmpStart + reply.BufferLength;
        Counters.EchoRequestsAnswered++;
        return RxAction.Transmit;
    }

    /// <summary>
    /// Builds the frame of a TCP segment from our address to <paramref name="destination"/> in
    /// <paramref name="buffer"/>: its length, or 0 when the neighbour is not known (then send the frame
    /// of <see cref="EmitArpRequest"/> and try again once it answered). A buffer too short is a bug: throws.
    /// </summary>
    public int EmitTcp(Span<byte> buffer, in TcpRepr segment, Ipv4Address destination, ReadOnlySpan<byte> payload, long nowMs)
    {
        if (!_neighbors.TryLookup(destination, nowMs, out var mac))
        {
            Counters.TxNoNeighbor++;
            return 0;
        }
        int ipStart = EthernetFrame.HeaderLength;
        int tcpStart = ipStart + Ipv4Repr.HeaderLength;
        segment.Emit(buffer[tcpStart..], Config.Address, destination, payload);
        new Ipv4Repr
        {
            Source = Config.Address,
            Destination = destination,
            Protocol = IpProtocol.Tcp,
            PayloadLength = segment.BufferLength,
            TimeToLive = Config.TimeToLive,
            Identification = _identification++,
            DontFragment = true, // RFC 1191: path MTU discovery; we never fragment
        }.Emit(buffer[ipStart..]);
        new EthernetRepr(mac, Config.Mac, EtherType.Ipv4).Emit(buffer);
        Counters.TxTcpSegments++;
        return tcpStart + segment.BufferLength;
    }

    /// <summary>Builds a broadcast ARP request for <paramref name="target"/> (RFC 826); returns its length (42).</summary>
    public int EmitArpRequest(Span<byte> buffer, Ipv4Address target)
    {
        new EthernetRepr(EthernetAddress.Broadcast, Config.Mac, EtherType.Arp).Emit(buffer);
        new ArpRepr(ArpOperation.Request, Config.Mac, Config.Address, default, target).Emit(buffer[EthernetFrame.HeaderLength..]);
        Counters.TxArpRequests++;
        return EthernetFrame.HeaderLength + ArpRepr.PacketLength;
    }

    private RxAction Drop(WireStatus status)
    {
        switch (status)
        {
            case WireStatus.BadChecksum: Counters.BadChecksum++; break;
            case WireStatus.Unsupported: Counters.Unsupported++; break;
            default: Counters.Malformed++; break;
        }
        return RxAction.Drop;
    }
}
