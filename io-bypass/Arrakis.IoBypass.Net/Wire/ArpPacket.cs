using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A view over an ARP packet (RFC 826 "Packet format"): ar$hrd (0..2), ar$pro (2..4), ar$hln (4),
/// ar$pln (5), ar$op (6..8), then ar$sha, ar$spa, ar$tha, ar$tpa whose lengths are ar$hln and ar$pln.
/// <para>
/// <see cref="TryNew"/> checks that the fixed part and the four addresses (at the lengths the packet
/// declares) fit; after that no getter or setter can throw (unless the caller itself
/// rewrites a length field: the setters are for emitting into buffers the caller sized). The address getters return raw bytes
/// because the lengths are the packet's; <see cref="ArpRepr"/> types them for Ethernet/IPv4.
/// Stack-only and stateless beyond the caller's buffer: usable on whatever thread owns the buffer.
/// </para>
/// </summary>
internal readonly ref struct ArpPacket
{
    /// <summary>The fixed part before the addresses.</summary>
    public const int FixedLength = 8;

    /// <summary>ar$hrd for Ethernet (RFC 826; IANA hardware type 1).</summary>
    public const ushort HardwareTypeEthernet = 1;

    private readonly Span<byte> _buffer;

    private ArpPacket(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The checked constructor: <see cref="WireStatus.Truncated"/> when the fixed part or the declared addresses do not fit.</summary>
    public static WireStatus TryNew(Span<byte> buffer, out ArpPacket packet)
    {
        packet = new(buffer);
        if (buffer.Length < FixedLength) return WireStatus.Truncated;
        return buffer.Length < FixedLength + 2 * (buffer[4] + buffer[5]) ? WireStatus.Truncated : WireStatus.Ok;
    }

    /// <summary>A view without checks, for emitting: the buffer must hold the fixed part and, once the
    /// length fields are set, the addresses.</summary>
    public static ArpPacket NewUnchecked(Span<byte> buffer) => new(buffer);

    public Span<byte> Buffer => _buffer;

    public ushort HardwareType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer, value);
    }

    public ushort ProtocolType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], value);
    }

    public byte HardwareLength { get => _buffer[4]; set => _buffer[4] = value; }

    public byte ProtocolLength { get => _buffer[5]; set => _buffer[5] = value; }

    public ushort Operation
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[6..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[6..], value);
    }

    /// <summary>ar$sha: <see cref="HardwareLength"/> bytes.</summary>
    public Span<byte> SenderHardwareAddress => _buffer.Slice(FixedLength, HardwareLength);

    /// <summary>ar$spa: <see cref="ProtocolLength"/> bytes.</summary>
    public Span<byte> SenderProtocolAddress => _buffer.Slice(FixedLength + HardwareLength, ProtocolLength);

    /// <summary>ar$tha: <see cref="HardwareLength"/> bytes.</summary>
    public Span<byte> TargetHardwareAddress => _buffer.Slice(FixedLength + HardwareLength + ProtocolLength, HardwareLength);

    /// <summary>ar$tpa: <see cref="ProtocolLength"/> bytes.</summary>
    public Span<byte> TargetProtocolAddress => _buffer.Slice(FixedLength + 2 * HardwareLength + ProtocolLength, ProtocolLength);
}
