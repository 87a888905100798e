using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A view over an IPv4 packet (RFC 791 §3.1 "Internet Header Format"): version/IHL (0), type of
/// service (1: DSCP, ECN per RFC 2474/3168), total length (2..4), identification (4..6), flags and
/// fragment offset (6..8), time to live (8), protocol (9), header checksum (10..12), source (12..16),
/// destination (16..20), options up to IHL * 4, then data up to the total length.
/// <para>
/// <see cref="TryNew"/> checks the version and the lengths: the buffer holds the fixed header, IHL &gt;= 5 and the
/// header it declares fits, the total length covers the header and fits in the buffer (a longer buffer
/// is fine: Ethernet pads short frames). After that no getter or setter can throw (unless the caller itself
/// rewrites a length field: the setters are for emitting into buffers the caller sized). The checksum
/// is <see cref="Ipv4Repr.TryParse(Ipv4Packet, out Ipv4Repr)"/>'s to check.
/// Stack-only and stateless beyond the caller's buffer: usable on whatever thread owns the buffer.
/// </para>
/// </summary>
internal readonly ref struct Ipv4Packet
{
    /// <summary>The header without options (IHL = 5).</summary>
    public const int MinimumHeaderLength = 20;

    private readonly Span<byte> _buffer;

    private Ipv4Packet(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The checked constructor (RFC 791 §3.1 "Version": 4, checked first because the lengths
    /// mean nothing in another version; "IHL": minimum 5; "Total Length": header and data).</summary>
    public static WireStatus TryNew(Span<byte> buffer, out Ipv4Packet packet)
    {
        packet = new(buffer);
        if (buffer.Length < MinimumHeaderLength) return WireStatus.Truncated;
        if (packet.Version != 4) return WireStatus.BadVersion;
        int headerLength = packet.HeaderLength;
        if (headerLength < MinimumHeaderLength) return WireStatus.BadLength;
        if (headerLength > buffer.Length) return WireStatus.Truncated;
        int totalLength = packet.TotalLength;
        if (totalLength < headerLength) return WireStatus.BadLength;
        return totalLength > buffer.Length ? WireStatus.Truncated : WireStatus.Ok;
    }

    /// <summary>A view without checks, for emitting into a buffer of at least the header (and, for
    /// <see cref="Payload"/>, the total length) the caller sets.</summary>
    public static Ipv4Packet NewUnchecked(Span<byte> buffer) => new(buffer);

    /// <summary>The whole buffer (may extend past <see cref="TotalLength"/>).</summary>
    public Span<byte> Buffer => _buffer;

    public byte Version
    {
        get => (byte)(_buffer[0] >> 4);
        set => _buffer[0] = (byte)((_buffer[0] & 0x0F) | (value << 4));
    }

    /// <summary>IHL * 4: the header length in bytes, options included. The setter takes bytes (a multiple of 4).</summary>
    public int HeaderLength
    {
        get => (_buffer[0] & 0x0F) * 4;
        set => _buffer[0] = (byte)((_buffer[0] & 0xF0) | ((value / 4) & 0x0F));
    }

    /// <summary>Differentiated services code point: the high six bits of the type of service byte (RFC 2474 §3).</summary>
    public byte Dscp
    {
        get => (byte)(_buffer[1] >> 2);
        set => _buffer[1] = (byte)((_buffer[1] & 0x03) | (value << 2));
    }

    /// <summary>Explicit congestion notification: the low two bits of the type of service byte (RFC 3168 §5).</summary>
    public byte Ecn
    {
        get => (byte)(_buffer[1] & 0x03);
        set => _buffer[1] = (byte)((_buffer[1] & 0xFC) | (value & 0x03));
    }

    public ushort TotalLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], value);
    }

    public ushort Identification
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[4..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[4..], value);
    }

    /// <summary>Bit 1 of the flags (RFC 791 §3.1 "Flags": DF).</summary>
    public bool DontFragment
    {
        get => (_buffer[6] & 0x40) != 0;
        set => _buffer[6] = (byte)(value ? _buffer[6] | 0x40 : _buffer[6] & ~0x40);
    }

    /// <summary>Bit 2 of the flags (RFC 791 §3.1 "Flags": MF).</summary>
    public bool MoreFragments
    {
        get => (_buffer[6] & 0x20) != 0;
        set => _buffer[6] = (byte)(value ? _buffer[6] | 0x20 : _buffer[6] & ~0x20);
    }

    /// <summary>The fragment offset in bytes (the field counts 8-byte units, RFC 791 §3.1 "Fragment Offset").
    /// The setter takes bytes (a multiple of 8, below 65536).</summary>
    public int FragmentOffset
    {
        get => (BinaryPrimitives.ReadUInt16BigEndian(_buffer[6..]) & 0x1FFF) * 8;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[6..], (ushort)((_buffer[6] & 0xE0) << 8 | ((value / 8) & 0x1FFF)));
    }

    /// <summary>True for any piece of a fragmented datagram: MF set or a non-zero offset (RFC 791 §2.3
    /// "Fragmentation"). This stack does not reassemble; the caller drops and counts these.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    public byte TimeToLive { get => _buffer[8]; set => _buffer[8] = value; }

    public byte Protocol { get => _buffer[9]; set => _buffer[9] = value; }

    public ushort HeaderChecksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[10..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[10..], value);
    }

    public Ipv4Address Source
    {
        get { Ipv4Address.TryRead(_buffer[12..], out var a); return a; }
        set => value.CopyTo(_buffer[12..]);
    }

    public Ipv4Address Destination
    {
        get { Ipv4Address.TryRead(_buffer[16..], out var a); return a; }
        set => value.CopyTo(_buffer[16..]);
    }

    /// <summary>The option bytes (RFC 791 §3.1 "Options"), possibly empty. This stack skips them.</summary>
    public Span<byte> Options => _buffer[MinimumHeaderLength..HeaderLength];

    /// <summary>The data: from the end of the header to the total length (trailing link padding excluded).</summary>
    public Span<byte> Payload => _buffer[HeaderLength..TotalLength];

    /// <summary>True when the header checksum verifies over the header, options included (RFC 791 §3.1 "Header Checksum").</summary>
    public bool VerifyChecksum() => InternetChecksum.Verifies(InternetChecksum.Add(0, _buffer[..HeaderLength]));

    /// <summary>Computes the header checksum (the field taken as zero) and stores it.</summary>
    public void FillChecksum()
    {
        HeaderChecksum = 0;
        HeaderChecksum = InternetChecksum.Compute(_buffer[..HeaderLength]);
    }
}
