using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

/// <summary>
/// Walks a frame the way a receive path will (Ethernet, then ARP or IPv4, then ICMP or TCP), reading
/// every getter of every view that its checked constructor accepted, and returns the innermost status.
/// <see cref="EveryParser"/> also runs each TryParse on the raw bytes directly. Anything thrown is a bug.
/// </summary>
internal static class Dissector
{
    /// <summary>The layer the walk stopped at and its status.</summary>
    public readonly record struct Result(string Layer, WireStatus Status);

    public static Result Frame(Span<byte> bytes)
    {
        var status = EthernetFrame.TryNew(bytes, out var frame);
        if (status != WireStatus.Ok) return new("ethernet", status);
        Touch(frame);
        status = EthernetRepr.TryParse(frame, out var ethernet);
        if (status != WireStatus.Ok) return new("ethernet", status);
        return ethernet.EtherType switch
        {
            EtherType.Arp => Arp(frame.Payload),
            EtherType.Ipv4 => Ip(frame.Payload),
            _ => new("ethernet", WireStatus.Ok),
        };
    }

    public static Result Arp(Span<byte> bytes)
    {
        var status = ArpPacket.TryNew(bytes, out var packet);
        if (status == WireStatus.Ok)
        {
            _ = packet.HardwareType + packet.ProtocolType + packet.HardwareLength + packet.ProtocolLength + packet.Operation;
            _ = packet.SenderHardwareAddress.Length + packet.SenderProtocolAddress.Length + packet.TargetHardwareAddress.Length + packet.TargetProtocolAddress.Length;
            status = ArpRepr.TryParse(packet, out _);
        }
        return new("arp", status);
    }

    public static Result Ip(Span<byte> bytes)
    {
        var status = Ipv4Packet.TryNew(bytes, out var packet);
        if (status != WireStatus.Ok) return new("ipv4", status);
        Touch(packet);
        status = Ipv4Repr.TryParse(packet, out var ip);
        if (status != WireStatus.Ok) return new("ipv4", status);
        if (ip.IsFragment) return new("ipv4-fragment", WireStatus.Unsupported);
        return ip.Protocol switch
        {
            IpProtocol.Icmp => Icmp(packet.Payload),
            IpProtocol.Tcp => Tcp(packet.Payload, ip.Source, ip.Destination),
            _ => new("ipv4", WireStatus.Ok),
        };
    }

    public static Result Icmp(Span<byte> bytes)
    {
        var status = IcmpV4Packet.TryNew(bytes, out var packet);
        if (status == WireStatus.Ok)
        {
            _ = packet.Type + packet.Code + packet.Checksum + packet.EchoIdentifier + packet.EchoSequenceNumber + packet.Data.Length;
            status = IcmpV4Repr.TryParse(packet, out _);
        }
        return new("icmp", status);
    }

    public static Result Tcp(Span<byte> bytes, Ipv4Address source, Ipv4Address destination)
    {
        var status = TcpSegment.TryNew(bytes, out var segment);
        if (status == WireStatus.Ok)
        {
            _ = segment.SourcePort + segment.DestinationPort + segment.SequenceNumber + segment.AcknowledgmentNumber + segment.HeaderLength;
            _ = (int)segment.Flags + segment.Window + segment.Checksum + segment.UrgentPointer + segment.Options.Length + segment.Payload.Length;
            status = TcpRepr.TryParse(segment, source, destination, out var repr);
            if (status == WireStatus.Ok)
            {
                for (int i = 0; i < repr.Options.SackBlocks.Count; i++) _ = repr.Options.SackBlocks[i];
                _ = repr.HeaderLength + repr.BufferLength;
            }
        }
        return new("tcp", status);
    }

    /// <summary>Every TryParse (and the option codec) straight on the bytes, as if each were the outermost layer.</summary>
    public static void EveryParser(Span<byte> bytes, Ipv4Address source, Ipv4Address destination)
    {
        Frame(bytes);
        Arp(bytes);
        Ip(bytes);
        Icmp(bytes);
        Tcp(bytes, source, destination);
        TcpOptionCodec.TryParse(bytes, out _);
    }

    private static void Touch(EthernetFrame frame)
    {
        _ = frame.Destination.Value + frame.Source.Value + frame.EtherType + (ulong)frame.Payload.Length;
    }

    private static void Touch(Ipv4Packet packet)
    {
        _ = packet.Version + packet.HeaderLength + packet.Dscp + packet.Ecn + packet.TotalLength + packet.Identification;
        _ = packet.FragmentOffset + packet.TimeToLive + packet.Protocol + packet.HeaderChecksum + packet.Options.Length + packet.Payload.Length;
        _ = packet.Source.Value + packet.Destination.Value;
        _ = packet.DontFragment | packet.MoreFragments | packet.IsFragment;
    }
}
