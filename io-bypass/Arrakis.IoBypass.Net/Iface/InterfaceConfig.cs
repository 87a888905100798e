using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Iface;

/// <summary>
/// What one interface of the stack is: its Ethernet and IPv4 addresses, and whether it owns the address
/// (<see cref="Dedicated"/>: it answers ARP and ICMP echo for it) or shares it with the host's kernel
/// (which answers those; only TCP to our port reaches us).
/// </summary>
internal sealed record InterfaceConfig(EthernetAddress Mac, Ipv4Address Address, bool Dedicated)
{
    /// <summary>Neighbours remembered at most (the oldest entry goes first when full).</summary>
    public int NeighborCapacity { get; init; } = 1024;

    /// <summary>How long a learned neighbour stays valid without being heard from (Linux's base_reachable_time is 30 s; we keep 60 s).</summary>
    public long NeighborLifetimeMs { get; init; } = 60_000;

    /// <summary>TTL of the packets we send (RFC 1700's recommended default, Linux's too).</summary>
    public byte TimeToLive { get; init; } = 64;
}
