using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A view over an ICMPv4 message (RFC 792): type (0), code (1), checksum (2..4), four bytes whose
/// meaning depends on the type (for echo: identifier 4..6 and sequence number 6..8), then data.
/// <para>
/// <see cref="TryNew"/> checks that the 8-byte header fits; after that no getter or setter can throw.
/// The buffer is the whole message (the IPv4 payload): the checksum covers all of it.
/// Stack-only and stateless beyond the caller's buffer: usable on whatever thread owns the buffer.
/// </para>
/// </summary>
internal readonly ref struct IcmpV4Packet
{
    /// <summary>Type, code, checksum and the four type-specific bytes.</summary>
    public const int HeaderLength = 8;

    private readonly Span<byte> _buffer;

    private IcmpV4Packet(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The checked constructor: <see cref="WireStatus.Truncated"/> when the header does not fit.</summary>
    public static WireStatus TryNew(Span<byte> buffer, out IcmpV4Packet packet)
    {
        packet = new(buffer);
        return buffer.Length < HeaderLength ? WireStatus.Truncated : WireStatus.Ok;
    }

    /// <summary>A view without checks, for emitting into a buffer of at least <see cref="HeaderLength"/> bytes.</summary>
    public static IcmpV4Packet NewUnchecked(Span<byte> buffer) => new(buffer);

    public Span<byte> Buffer => _buffer;

    public byte Type { get => _buffer[0]; set => _buffer[0] = value; }

    public byte Code { get => _buffer[1]; set => _buffer[1] = value; }

    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], value);
    }

    /// <summary>Echo: "Identifier" (RFC 792 "Echo or Echo Reply Message").</summary>
    public ushort EchoIdentifier
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[4..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[4..], value);
    }

    /// <summary>Echo: "Sequence Number".</summary>
    public ushort EchoSequenceNumber
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[6..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[6..], value);
    }

    /// <summary>Everything after the 8-byte header (echo: the data the reply returns).</summary>
    public Span<byte> Data => _buffer[HeaderLength..];

    /// <summary>True when the checksum verifies over the whole message (RFC 792 "Checksum": "the 16-bit
    /// ones's complement of the one's complement sum of the ICMP message starting with the ICMP Type").</summary>
    public bool VerifyChecksum() => InternetChecksum.Verifies(InternetChecksum.Add(0, _buffer));

    /// <summary>Computes the checksum over the whole message (the field taken as zero) and stores it.</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(_buffer);
    }
}
