namespace Arrakis.IoBypass.Net.Wire;

/// <summary>The IPv4 protocol field values this stack knows (RFC 791 §3.1 "Protocol"; IANA numbers).</summary>
internal enum IpProtocol : byte
{
    Icmp = 1,
    Tcp = 6,
    Udp = 17,
}
