namespace Arrakis.IoBypass.Net.Iface;

/// <summary>What an interface did with the frames it was given: every frame lands in exactly one drop counter or one of the handled ones. Written by the owning thread.</summary>
internal sealed class InterfaceCounters
{
    public long RxFrames;

    /// <summary>Addressed to another station (neither our MAC nor broadcast), or to our MAC with another IPv4 address.</summary>
    public long NotForUs;

    /// <summary>Truncated, bad lengths or version, bad option lists.</summary>
    public long Malformed;

    public long BadChecksum;

    /// <summary>IPv4 fragments: this stack does not reassemble (TCP sends whole segments with DF set).</summary>
    public long Fragments;

    /// <summary>EtherTypes, ARP variants, IP protocols and ICMP types this stack does not handle.</summary>
    public long Unsupported;

    /// <summary>ARP or ICMP that the host kernel answers (shared mode), seen here anyway.</summary>
    public long LeftToHost;

    public long ArpRequestsAnswered;
    public long ArpRepliesLearned;
    public long EchoRequestsAnswered;
    public long TcpSegmentsDelivered;

    public long TxTcpSegments;
    public long TxArpRequests;

    /// <summary>Segments that could not go out: no neighbour entry for the destination (an ARP request went instead).</summary>
    public long TxNoNeighbor;
}
