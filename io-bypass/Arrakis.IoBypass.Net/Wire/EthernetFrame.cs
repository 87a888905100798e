using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// A view over an Ethernet II frame (IEEE 802.3 §3.2; RFC 894): destination (0..6), source (6..12),
/// type (12..14), payload. The frame check sequence is not part of the buffer (NICs strip it).
/// <para>
/// Built by <see cref="TryNew"/> from untrusted bytes (checks that the header fits; after that no
/// getter or setter can throw) or by <see cref="NewUnchecked"/> over a buffer the caller sized for
/// emitting. Getters read and setters write the underlying bytes; the view owns nothing.
/// Stack-only and stateless beyond the caller's buffer: usable on whatever thread owns the buffer.
/// </para>
/// </summary>
internal readonly ref struct EthernetFrame
{
    /// <summary>Destination, source and type.</summary>
    public const int HeaderLength = 14;

    private readonly Span<byte> _buffer;

    private EthernetFrame(Span<byte> buffer) => _buffer = buffer;

    /// <summary>The checked constructor: <see cref="WireStatus.Truncated"/> when the header does not fit.</summary>
    public static WireStatus TryNew(Span<byte> buffer, out EthernetFrame frame)
    {
        frame = new(buffer);
        return buffer.Length < HeaderLength ? WireStatus.Truncated : WireStatus.Ok;
    }

    /// <summary>A view without checks, for emitting into a buffer of at least <see cref="HeaderLength"/> bytes.</summary>
    public static EthernetFrame NewUnchecked(Span<byte> buffer) => new(buffer);

    /// <summary>The whole frame.</summary>
    public Span<byte> Buffer => _buffer;

    public EthernetAddress Destination
    {
        get { EthernetAddress.TryRead(_buffer, out var a); return a; }
        set => value.CopyTo(_buffer);
    }

    public EthernetAddress Source
    {
        get { EthernetAddress.TryRead(_buffer[6..], out var a); return a; }
        set => value.CopyTo(_buffer[6..]);
    }

    /// <summary>The type field as a number (values below 0x0600 are IEEE 802.3 lengths, not types).</summary>
    public ushort EtherType
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[12..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[12..], value);
    }

    /// <summary>Everything after the header (may include trailing padding up to the 60-byte minimum frame).</summary>
    public Span<byte> Payload => _buffer[HeaderLength..];
}
