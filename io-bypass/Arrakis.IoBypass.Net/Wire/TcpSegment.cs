using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A view over a TCP segment (RFC 9293 §3.1 "Header Format"): source port (0..2), destination port
/// (2..4), sequence number (4..8), acknowledgment number (8..12), data offset (high nibble of 12),
/// control bits (13), window (14..16), checksum (16..18), urgent pointer (18..20), options up to the
/// data offset, then data. The buffer is exactly the segment (the IPv4 payload): the checksum and the
/// pseudo-header length cover all of it.
/// <para>
/// <see cref="TryNew"/> checks the fixed header fits, the data offset is at least 5 and the header it
/// declares fits; after that no getter or setter can throw (unless the caller itself
/// rewrites a length field: the setters are for emitting into buffers the caller sized). Checksum and options are
/// <see cref="TcpRepr.TryParse(TcpSegment, Ipv4Address, Ipv4Address, out TcpRepr)"/>'s to check.
/// Stack-only and stateless beyond the caller's buffer: usable on whatever thread owns the buffer.
/// </para>
/// </summary>
internal readonly ref struct TcpSegment
{
    /// <summary>The header without options (data offset 5).</summary>
    public const int MinimumHeaderLength = 20;

    /// <summary>Data offset 15: 60 bytes, leaving 40 for options.</summary>
    public const int MaximumHeaderLength = 60;

    private readonly Span<byte> _buffer;

    private TcpSegment(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The checked constructor (RFC 9293 §3.1 "Data Offset": the header is DOffset 32-bit words, at least 5).</summary>
    public static WireStatus TryNew(Span<byte> buffer, out TcpSegment segment)
    {
        segment = new(buffer);
        if (buffer.Length < MinimumHeaderLength) return WireStatus.Truncated;
        int headerLength = segment.HeaderLength;
        if (headerLength < MinimumHeaderLength) return WireStatus.BadLength;
        return headerLength > buffer.Length ? WireStatus.Truncated : WireStatus.Ok;
    }

    /// <summary>A view without checks, for emitting into a buffer the caller sized (header + data).</summary>
    public static TcpSegment NewUnchecked(Span<byte> buffer) => new(buffer);

    /// <summary>The whole segment.</summary>
    public Span<byte> Buffer => _buffer;

    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer, value);
    }

    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], value);
    }

    public uint SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[4..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[4..], value);
    }

    public uint AcknowledgmentNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[8..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[8..], value);
    }

    /// <summary>Data offset * 4: the header length in bytes, options included. The setter takes bytes
    /// (a multiple of 4) and clears the reserved bits (RFC 9293 §3.1 "Rsrvd": must be zero).</summary>
    public int HeaderLength
    {
        get => (_buffer[12] >> 4) * 4;
        set => _buffer[12] = (byte)(((value / 4) & 0x0F) << 4);
    }

    /// <summary>The control bits (byte 13).</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)_buffer[13];
        set => _buffer[13] = (byte)value;
    }

    /// <summary>The window field as sent (unscaled; RFC 7323 §2.2: the window of a SYN is never scaled).</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[14..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[14..], value);
    }

    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[16..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[16..], value);
    }

    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[18..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[18..], value);
    }

    /// <summary>The option bytes, possibly empty (RFC 9293 §3.1 "Options").</summary>
    public Span<byte> Options => _buffer[MinimumHeaderLength..HeaderLength];

    /// <summary>The data after the header.</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True when the checksum verifies over the IPv4 pseudo-header (source, destination, zero,
    /// protocol 6, TCP length) and the whole segment (RFC 9293 §3.1 "Checksum").</summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination)
    {
        uint sum = InternetChecksum.PseudoHeader(source, destination, IpProtocol.Tcp, _buffer.Length);
        return InternetChecksum.Verifies(InternetChecksum.Add(sum, _buffer));
    }

    /// <summary>Computes the checksum over the pseudo-header and the whole segment (the field taken as zero) and stores it.</summary>
    public void FillChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        uint sum = InternetChecksum.PseudoHeader(source, destination, IpProtocol.Tcp, _buffer.Length);
        Checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, _buffer));
    }
}
