namespace Arrakis.IoBypass.Net.Wire;

/// <summary>The TCP timestamps option's two fields (RFC 7323 §3.2): TSval and TSecr.</summary>
internal readonly record struct TcpTimestamp(uint Value, uint EchoReply);
