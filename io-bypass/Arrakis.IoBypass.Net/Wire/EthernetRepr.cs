namespace Arrakis.IoBypass.Net.Wire;

/// <summary>The parsed header of an Ethernet II frame (see <see cref="EthernetFrame"/>): a value.</summary>
internal readonly record struct EthernetRepr(EthernetAddress Destination, EthernetAddress Source, EtherType EtherType)
{
    /// <summary>The smallest type value; smaller values are IEEE 802.3 length fields (IEEE 802.3 §3.2.6).</summary>
    public const ushort MinimumEtherType = 0x0600;

    /// <summary>Bytes <see cref="Emit"/> writes: the header only (the payload is the next layer's).</summary>
    public int BufferLength => EthernetFrame.HeaderLength;

    /// <summary>Parses the header of a checked frame. <see cref="WireStatus.Unsupported"/> for an 802.3 length
    /// frame (type &lt; 0x0600); any type value at or above it is accepted and reported as is.</summary>
    public static WireStatus TryParse(EthernetFrame frame, out EthernetRepr repr)
    {
        ushort type = frame.EtherType;
        if (type < MinimumEtherType)
        {
            repr = default;
            return WireStatus.Unsupported;
        }
        repr = new(frame.Destination, frame.Source, (EtherType)type);
        return WireStatus.Ok;
    }

    /// <summary><see cref="EthernetFrame.TryNew"/> then <see cref="TryParse(EthernetFrame, out EthernetRepr)"/>.</summary>
    public static WireStatus TryParse(Span<byte> bytes, out EthernetRepr repr)
    {
        var status = EthernetFrame.TryNew(bytes, out var frame);
        if (status != WireStatus.Ok)
        {
            repr = default;
            return status;
        }
        return TryParse(frame, out repr);
    }

    /// <summary>Writes the header into the first <see cref="BufferLength"/> bytes of <paramref name="buffer"/>
    /// (shorter is a bug: throws). The payload bytes are left alone.</summary>
    public void Emit(Span<byte> buffer)
    {
        var frame = EthernetFrame.NewUnchecked(buffer[..EthernetFrame.HeaderLength]);
        frame.Destination = Destination;
        frame.Source = Source;
        frame.EtherType = (ushort)EtherType;
    }
}
