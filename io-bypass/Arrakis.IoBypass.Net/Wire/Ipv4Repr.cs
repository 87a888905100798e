namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// The parsed header of an IPv4 packet (see <see cref="Ipv4Packet"/>): a value. Options are skipped
/// on parse and never emitted. Fragment fields are reported, not judged: this stack does not
/// reassemble, so the caller drops and counts packets whose <see cref="IsFragment"/> is true.
/// </summary>
internal readonly record struct Ipv4Repr
{
    /// <summary>The header <see cref="Emit"/> writes: no options.</summary>
    public const int HeaderLength = Ipv4Packet.MinimumHeaderLength;

    /// <summary>The largest payload a 16-bit total length leaves room for.</summary>
    public const int MaximumPayloadLength = ushort.MaxValue - HeaderLength;

    public Ipv4Address Source { get; init; }
    public Ipv4Address Destination { get; init; }
    public IpProtocol Protocol { get; init; }

    /// <summary>Total length minus header length.</summary>
    public int PayloadLength { get; init; }

    public byte TimeToLive { get; init; }
    public ushort Identification { get; init; }
    public bool DontFragment { get; init; }
    public bool MoreFragments { get; init; }

    /// <summary>In bytes (a multiple of 8).</summary>
    public int FragmentOffset { get; init; }

    public byte Dscp { get; init; }
    public byte Ecn { get; init; }

    /// <summary>MF set or a non-zero offset (RFC 791 §2.3).</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    /// <summary>Bytes of the whole packet: <see cref="HeaderLength"/> + <see cref="PayloadLength"/>.</summary>
    public int BufferLength => HeaderLength + PayloadLength;

    /// <summary>
    /// Parses a checked packet: <see cref="WireStatus.BadVersion"/> unless the version is 4 (RFC 791 §3.1
    /// "Version"; <see cref="Ipv4Packet.TryNew"/> checked it already unless the view is unchecked);
    /// <see cref="WireStatus.BadChecksum"/> unless the header checksum verifies (RFC 791 §3.1
    /// "Header Checksum", RFC 1071). Options are skipped by IHL (RFC 791 §3.1 "Options"); the protocol is
    /// reported as is, known or not.
    /// </summary>
    public static WireStatus TryParse(Ipv4Packet packet, out Ipv4Repr repr)
    {
        repr = default;
        if (packet.Version != 4) return WireStatus.BadVersion;
        if (!packet.VerifyChecksum()) return WireStatus.BadChecksum;
        repr = new Ipv4Repr
        {
            Source = packet.Source,
            Destination = packet.Destination,
            Protocol = (IpProtocol)packet.Protocol,
            PayloadLength = packet.TotalLength - packet.HeaderLength,
            TimeToLive = packet.TimeToLive,
            Identification = packet.Identification,
            DontFragment = packet.DontFragment,
            MoreFragments = packet.MoreFragments,
            FragmentOffset = packet.FragmentOffset,
            Dscp = packet.Dscp,
            Ecn = packet.Ecn,
        };
        return WireStatus.Ok;
    }

    /// <summary><see cref="Ipv4Packet.TryNew"/> then <see cref="TryParse(Ipv4Packet, out Ipv4Repr)"/>.</summary>
    public static WireStatus TryParse(Span<byte> bytes, out Ipv4Repr repr)
    {
        var status = Ipv4Packet.TryNew(bytes, out var packet);
        if (status != WireStatus.Ok)
        {
            repr = default;
            return status;
        }
        return TryParse(packet, out repr);
    }

    /// <summary>
    /// Writes the 20-byte header (checksum filled, total length = header + <see cref="PayloadLength"/>)
    /// into the start of <paramref name="buffer"/>; the payload that follows is the caller's to write
    /// (before or after: the checksum covers only the header). A buffer shorter than the header, a
    /// payload length past <see cref="MaximumPayloadLength"/> or an offset that is not a multiple of 8
    /// below 65536 is a bug: throws.
    /// </summary>
    public void Emit(Span<byte> buffer)
    {
        if ((uint)PayloadLength > MaximumPayloadLength) throw new ArgumentOutOfRangeException(nameof(PayloadLength), PayloadLength, "does not fit a 16-bit total length");
        if ((uint)FragmentOffset > 0xFFFF || FragmentOffset % 8 != 0) throw new ArgumentOutOfRangeException(nameof(FragmentOffset), FragmentOffset, "not a multiple of 8 below 65536");
        var packet = Ipv4Packet.NewUnchecked(buffer[..HeaderLength]);
        packet.Buffer[0] = 0;
        packet.Version = 4;
        packet.HeaderLength = HeaderLength;
        packet.Buffer[1] = 0;
        packet.Dscp = Dscp;
        packet.Ecn = Ecn;
        packet.TotalLength = (ushort)BufferLength;
        packet.Identification = Identification;
        packet.Buffer[6] = 0;
        packet.FragmentOffset = FragmentOffset;
        packet.DontFragment = DontFragment;
        packet.MoreFragments = MoreFragments;
        packet.TimeToLive = TimeToLive;
        packet.Protocol = (byte)Protocol;
        packet.Source = Source;
        packet.Destination = Destination;
        packet.FillChecksum();
    }
}
