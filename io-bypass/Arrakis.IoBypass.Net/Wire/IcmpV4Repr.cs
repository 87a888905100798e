namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A parsed ICMPv4 echo request or reply (RFC 792 "Echo or Echo Reply Message"): a value. The data
/// stays in the packet (<see cref="IcmpV4Packet.Data"/>); the repr carries its length.
/// </summary>
internal readonly record struct IcmpV4Repr(IcmpV4EchoKind Kind, ushort Identifier, ushort SequenceNumber, int DataLength)
{
    /// <summary>Bytes of the whole message: header + data.</summary>
    public int BufferLength => IcmpV4Packet.HeaderLength + DataLength;

    /// <summary>
    /// Parses a checked message. <see cref="WireStatus.BadChecksum"/> unless the checksum over the whole
    /// message verifies (RFC 792 "Checksum"); then <see cref="WireStatus.Unsupported"/> for any type but
    /// echo request (8) and echo reply (0), or a non-zero code (RFC 792: "Code 0").
    /// </summary>
    public static WireStatus TryParse(IcmpV4Packet packet, out IcmpV4Repr repr)
    {
        repr = default;
        if (!packet.VerifyChecksum()) return WireStatus.BadChecksum;
        byte type = packet.Type;
        if (type != (byte)IcmpV4EchoKind.EchoRequest && type != (byte)IcmpV4EchoKind.EchoReply) return WireStatus.Unsupported;
        if (packet.Code != 0) return WireStatus.Unsupported;
        repr = new((IcmpV4EchoKind)type, packet.EchoIdentifier, packet.EchoSequenceNumber, packet.Data.Length);
        return WireStatus.Ok;
    }

    /// <summary><see cref="IcmpV4Packet.TryNew"/> then <see cref="TryParse(IcmpV4Packet, out IcmpV4Repr)"/>.
    /// <paramref name="bytes"/> is the whole message (the IPv4 payload).</summary>
    public static WireStatus TryParse(Span<byte> bytes, out IcmpV4Repr repr)
    {
        var status = IcmpV4Packet.TryNew(bytes, out var packet);
        if (status != WireStatus.Ok)
        {
            repr = default;
            return status;
        }
        return TryParse(packet, out repr);
    }

    /// <summary>
    /// Writes the message, <paramref name="data"/> copied after the header and the checksum filled, into
    /// the first <see cref="BufferLength"/> bytes of <paramref name="buffer"/>. <paramref name="data"/> may
    /// overlap the destination (an echo reply built in the request's buffer). A data length other than
    /// <see cref="DataLength"/> or a short buffer is a bug: throws.
    /// </summary>
    public void Emit(Span<byte> buffer, ReadOnlySpan<byte> data)
    {
        if (data.Length != DataLength) throw new ArgumentException($"{data.Length} data bytes for a repr of {DataLength}", nameof(data));
        var packet = IcmpV4Packet.NewUnchecked(buffer[..BufferLength]);
        data.CopyTo(packet.Data);
        packet.Type = (byte)Kind;
        packet.Code = 0;
        packet.EchoIdentifier = Identifier;
        packet.EchoSequenceNumber = SequenceNumber;
        packet.FillChecksum();
    }
}
