using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Iface;

/// <summary>
/// IPv4 -> Ethernet address of the neighbours on the link, learned from ARP (RFC 826 "Packet
/// Reception": merge the sender's pair) and from IPv4 frames addressed to us (in shared mode the kernel
/// keeps ARP: the frames that reach us are all we hear). Bounded: when full, the entry heard from least
/// recently goes. One owning thread.
/// </summary>
internal sealed class NeighborCache(int capacity, long lifetimeMs)
{
    private readonly Dictionary<uint, (EthernetAddress Mac, long HeardAtMs)> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Learns or refreshes <paramref name="ip"/> at <paramref name="mac"/>; only unicast pairs for a real address.</summary>
    public void Learn(Ipv4Address ip, EthernetAddress mac, long nowMs)
    {
        if (ip.IsUnspecified || ip.IsBroadcast || ip.IsMulticast || !mac.IsUnicast || mac.Value == 0) return;
        if (!_entries.ContainsKey(ip.Value) && _entries.Count >= capacity) EvictOldest();
        _entries[ip.Value] = (mac, nowMs);
    }

    /// <summary>Refreshes an existing entry only (RFC 826: "if the pair is already in the table, update it").</summary>
    public bool Update(Ipv4Address ip, EthernetAddress mac, long nowMs)
    {
        if (!_entries.ContainsKey(ip.Value)) return false;
        Learn(ip, mac, nowMs);
        return true;
    }

    public bool TryLookup(Ipv4Address ip, long nowMs, out EthernetAddress mac)
    {
        if (_entries.TryGetValue(ip.Value, out var e) && nowMs - e.HeardAtMs <= lifetimeMs)
        {
            mac = e.Mac;
            return true;
        }
        mac = default;
        return false;
    }

    private void EvictOldest()
    {
        uint oldest = 0;
        long at = long.MaxValue;
        foreach (var (ip, e) in _entries)
        {
            if (e.HeardAtMs < at)
            {
                at = e.HeardAtMs;
                oldest = ip;
            }
        }
        _entries.Remove(oldest);
    }
}
