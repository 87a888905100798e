namespace Arrakis.IoBypass.Net.Wire;

/// <summary>The Ethernet II type field values this stack knows (IEEE 802.3 §3.2.6: values at or above 0x0600 are types).</summary>
internal enum EtherType : ushort
{
    Ipv4 = 0x0800,
    Arp = 0x0806,
    Vlan = 0x8100,
    Ipv6 = 0x86DD,
}
