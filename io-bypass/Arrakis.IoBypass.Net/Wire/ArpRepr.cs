namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A parsed ARP packet for Ethernet hardware and IPv4 protocol addresses, request or reply (RFC 826):
/// a value. Every other combination parses as <see cref="WireStatus.Unsupported"/>.
/// </summary>
internal readonly record struct ArpRepr(
    ArpOperation Operation,
    EthernetAddress SenderHardwareAddress,
    Ipv4Address SenderProtocolAddress,
    EthernetAddress TargetHardwareAddress,
    Ipv4Address TargetProtocolAddress)
{
    /// <summary>An Ethernet/IPv4 ARP packet: 8 + 2 * (6 + 4).</summary>
    public const int PacketLength = ArpPacket.FixedLength + 2 * (EthernetAddress.Length + Ipv4Address.Length);

    /// <summary>Bytes <see cref="Emit"/> writes.</summary>
    public int BufferLength => PacketLength;

    /// <summary>
    /// Parses a checked packet. RFC 826 "Packet Reception": a receiver checks ar$hrd and ar$pro and
    /// drops what it does not speak; here that is anything but Ethernet (1) / IPv4 (0x0800) with
    /// lengths 6 / 4, and any opcode but request (1) or reply (2): <see cref="WireStatus.Unsupported"/>.
    /// </summary>
    public static WireStatus TryParse(ArpPacket packet, out ArpRepr repr)
    {
        repr = default;
        if (packet.HardwareType != ArpPacket.HardwareTypeEthernet || packet.ProtocolType != (ushort)EtherType.Ipv4) return WireStatus.Unsupported;
        if (packet.HardwareLength != EthernetAddress.Length || packet.ProtocolLength != Ipv4Address.Length) return WireStatus.Unsupported;
        ushort op = packet.Operation;
        if (op != (ushort)ArpOperation.Request && op != (ushort)ArpOperation.Reply) return WireStatus.Unsupported;
        EthernetAddress.TryRead(packet.SenderHardwareAddress, out var sha);
        Ipv4Address.TryRead(packet.SenderProtocolAddress, out var spa);
        EthernetAddress.TryRead(packet.TargetHardwareAddress, out var tha);
        Ipv4Address.TryRead(packet.TargetProtocolAddress, out var tpa);
        repr = new((ArpOperation)op, sha, spa, tha, tpa);
        return WireStatus.Ok;
    }

    /// <summary><see cref="ArpPacket.TryNew"/> then <see cref="TryParse(ArpPacket, out ArpRepr)"/>.</summary>
    public static WireStatus TryParse(Span<byte> bytes, out ArpRepr repr)
    {
        var status = ArpPacket.TryNew(bytes, out var packet);
        if (status != WireStatus.Ok)
        {
            repr = default;
            return status;
        }
        return TryParse(packet, out repr);
    }

    /// <summary>Writes the packet into the first <see cref="BufferLength"/> bytes of <paramref name="buffer"/> (shorter is a bug: throws).</summary>
    public void Emit(Span<byte> buffer)
    {
        var packet = ArpPacket.NewUnchecked(buffer[..PacketLength]);
        packet.HardwareType = ArpPacket.HardwareTypeEthernet;
        packet.ProtocolType = (ushort)EtherType.Ipv4;
        packet.HardwareLength = EthernetAddress.Length;
        packet.ProtocolLength = Ipv4Address.Length;
        packet.Operation = (ushort)Operation;
        SenderHardwareAddress.CopyTo(packet.SenderHardwareAddress);
        SenderProtocolAddress.CopyTo(packet.SenderProtocolAddress);
        TargetHardwareAddress.CopyTo(packet.TargetHardwareAddress);
        TargetProtocolAddress.CopyTo(packet.TargetProtocolAddress);
    }
}
