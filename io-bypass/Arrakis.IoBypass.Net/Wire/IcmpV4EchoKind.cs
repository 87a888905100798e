namespace Arrakis.IoBypass.Net.Wire;

/// <summary>The ICMPv4 message types this stack handles (RFC 792 "Echo or Echo Reply Message"): the type byte's value.</summary>
internal enum IcmpV4EchoKind : byte
{
    EchoReply = 0,
    EchoRequest = 8,
}
