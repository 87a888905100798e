namespace Arrakis.IoBypass.Net.Wire;

/// <summary>ARP opcodes (RFC 826 "Packet format": ar$op). Only these two are supported.</summary>
internal enum ArpOperation : ushort
{
    Request = 1,
    Reply = 2,
}
