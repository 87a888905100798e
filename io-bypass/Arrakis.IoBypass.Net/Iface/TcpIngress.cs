using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Iface;

/// <summary>A TCP segment that arrived for us: its parsed header and where its payload sits in the frame.</summary>
internal readonly record struct TcpIngress(Ipv4Address Source, Ipv4Address Destination, TcpRepr Repr, int PayloadOffset)
{
    public int PayloadLength => Repr.PayloadLength;
}
