using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Iface;

/// <summary>Frames between a peer (198.18.0.1) and us (198.18.0.2) built with the wire reprs, in 2048-byte buffers as a NIC queue's.</summary>
internal static class Frames
{
    public static readonly EthernetAddress PeerMac = new(0x02, 0, 0, 0, 0, 0x01);
    public static readonly EthernetAddress OurMac = new(0x02, 0, 0, 0, 0, 0x02);
    public static readonly Ipv4Address Peer = new(198, 18, 0, 1);
    public static readonly Ipv4Address Us = new(198, 18, 0, 2);

    public static (byte[] Buffer, int Length) Arp(ArpOperation op, Ipv4Address target, EthernetAddress? destination = null)
    {
        var buffer = new byte[2048];
        new EthernetRepr(destination ?? EthernetAddress.Broadcast, PeerMac, EtherType.Arp).Emit(buffer);
        new ArpRepr(op, PeerMac, Peer, op == ArpOperation.Reply ? OurMac : default, target).Emit(buffer.AsSpan(14));
        return (buffer, 14 + ArpRepr.PacketLength);
    }

    public static (byte[] Buffer, int Length) Ipv4(IpProtocol protocol, ReadOnlySpan<byte> payload, Ipv4Address? destination = null, int fragmentOffset = 0, bool moreFragments = false, EthernetAddress? mac = null)
    {
        var buffer = new byte[2048];
        new EthernetRepr(mac ?? OurMac, PeerMac, EtherType.Ipv4).Emit(buffer);
        new Ipv4Repr { Source = Peer, Destination = destination ?? Us, Protocol = protocol, PayloadLength = payload.Length, TimeToLive = 64, FragmentOffset = fragmentOffset, MoreFragments = moreFragments }.Emit(buffer.AsSpan(14));
        payload.CopyTo(buffer.AsSpan(34));
        return (buffer, 34 + payload.Length);
    }

    public static byte[] EchoRequest(ushort id, ushort seq, ReadOnlySpan<byte> data)
    {
        var repr = new IcmpV4Repr(IcmpV4EchoKind.EchoRequest, id, seq, data.Length);
        var message = new byte[repr.BufferLength];
        repr.Emit(message, data);
        return message;
    }

    public static byte[] TcpSegment(TcpFlags flags, ReadOnlySpan<byte> payload, ushort port = 6379, Ipv4Address? destination = null)
    {
        var repr = new TcpRepr { SourcePort = 40000, DestinationPort = port, SequenceNumber = 1000, AcknowledgmentNumber = 0, Flags = flags, Window = 65535, PayloadLength = payload.Length };
        var bytes = new byte[repr.BufferLength];
        repr.Emit(bytes, Peer, destination ?? Us, payload);
        return bytes;
    }
}
