namespace Arrakis.IoBypass.Net.Iface;

/// <summary>What to do with a received frame after <see cref="NetInterface.Receive"/>.</summary>
internal enum RxAction : byte
{
    /// <summary>Dropped and counted; give the buffer back.</summary>
    Drop,

    /// <summary>An answer (ARP reply, ICMP echo reply) was written over the frame, in place: transmit the buffer with the returned length.</summary>
    Transmit,

    /// <summary>A TCP segment for our address: hand it to the TCP layer (<see cref="TcpIngress"/>).</summary>
    DeliverTcp,
}
