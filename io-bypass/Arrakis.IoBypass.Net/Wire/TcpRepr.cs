namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// The parsed header of a TCP segment (see <see cref="TcpSegment"/>) with its options: a value. The
/// data stays in the segment (<see cref="TcpSegment.Payload"/>); the repr carries its length. Sequence
/// numbers and the window are the wire's (the window unscaled); interpreting them is the connection's job.
/// </summary>
internal readonly record struct TcpRepr
{
    public ushort SourcePort { get; init; }
    public ushort DestinationPort { get; init; }
    public uint SequenceNumber { get; init; }

    /// <summary>Meaningful only with <see cref="TcpFlags.Ack"/> (RFC 9293 §3.1 "Acknowledgment Number").</summary>
    public uint AcknowledgmentNumber { get; init; }

    public TcpFlags Flags { get; init; }
    public ushort Window { get; init; }

    /// <summary>Meaningful only with <see cref="TcpFlags.Urg"/>.</summary>
    public ushort UrgentPointer { get; init; }

    public TcpOptions Options { get; init; }
    public int PayloadLength { get; init; }

    /// <summary>Bytes of the header <see cref="Emit"/> writes: 20 + the options (<see cref="TcpOptionCodec.Length"/>).</summary>
    public int HeaderLength => TcpSegment.MinimumHeaderLength + TcpOptionCodec.Length(Options);

    /// <summary>Bytes of the whole segment: <see cref="HeaderLength"/> + <see cref="PayloadLength"/>.</summary>
    public int BufferLength => HeaderLength + PayloadLength;

    /// <summary>
    /// Parses a checked segment that arrived from <paramref name="source"/> to <paramref name="destination"/>.
    /// <see cref="WireStatus.BadChecksum"/> unless the checksum over the pseudo-header and the whole segment
    /// verifies (RFC 9293 §3.1 "Checksum"); <see cref="WireStatus.BadField"/> for port 0 (Reserved in IANA's
    /// port registry: no connection can use it; smoltcp drops these too); <see cref="WireStatus.BadOption"/> for a malformed option list (see <see cref="TcpOptionCodec.TryParse"/>).
    /// The reserved header bits are ignored (RFC 9293 §3.1 "Rsrvd": must be zero, receivers do not check).
    /// </summary>
    public static WireStatus TryParse(TcpSegment segment, Ipv4Address source, Ipv4Address destination, out TcpRepr repr)
    {
        repr = default;
        if (!segment.VerifyChecksum(source, destination)) return WireStatus.BadChecksum;
        if (segment.SourcePort == 0 || segment.DestinationPort == 0) return WireStatus.BadField;
        var status = TcpOptionCodec.TryParse(segment.Options, out var options);
        if (status != WireStatus.Ok) return status;
        repr = new TcpRepr
        {
            SourcePort = segment.SourcePort,
            DestinationPort = segment.DestinationPort,
            SequenceNumber = segment.SequenceNumber,
            AcknowledgmentNumber = segment.AcknowledgmentNumber,
            Flags = segment.Flags,
            Window = segment.Window,
            UrgentPointer = segment.UrgentPointer,
            Options = options,
            PayloadLength = segment.Payload.Length,
        };
        return WireStatus.Ok;
    }

    /// <summary><see cref="TcpSegment.TryNew"/> then <see cref="TryParse(TcpSegment, Ipv4Address, Ipv4Address, out TcpRepr)"/>.
    /// <paramref name="bytes"/> is exactly the segment (the IPv4 payload).</summary>
    public static WireStatus TryParse(Span<byte> bytes, Ipv4Address source, Ipv4Address destination, out TcpRepr repr)
    {
        var status = TcpSegment.TryNew(bytes, out var segment);
        if (status != WireStatus.Ok)
        {
            repr = default;
            return status;
        }
        return TryParse(segment, source, destination, out repr);
    }

    /// <summary>
    /// Writes the segment from <paramref name="source"/> to <paramref name="destination"/> into the first
    /// <see cref="BufferLength"/> bytes of <paramref name="buffer"/>: header, options (see
    /// <see cref="TcpOptionCodec.Emit"/>), <paramref name="payload"/> copied after them (it may overlap the
    /// destination), reserved bits zero, checksum filled. A payload length other than
    /// <see cref="PayloadLength"/> or a short buffer is a bug: throws.
    /// </summary>
    public void Emit(Span<byte> buffer, Ipv4Address source, Ipv4Address destination, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != PayloadLength) throw new ArgumentException($"{payload.Length} payload bytes for a repr of {PayloadLength}", nameof(payload));
        int headerLength = HeaderLength;
        var segment = TcpSegment.NewUnchecked(buffer[..(headerLength + PayloadLength)]);
        payload.CopyTo(segment.Buffer[headerLength..]);
        segment.SourcePort = SourcePort;
        segment.DestinationPort = DestinationPort;
        segment.SequenceNumber = SequenceNumber;
        segment.AcknowledgmentNumber = AcknowledgmentNumber;
        segment.HeaderLength = headerLength;
        segment.Flags = Flags;
        segment.Window = Window;
        segment.UrgentPointer = UrgentPointer;
        TcpOptionCodec.Emit(Options, segment.Options);
        segment.FillChecksum(source, destination);
    }
}
