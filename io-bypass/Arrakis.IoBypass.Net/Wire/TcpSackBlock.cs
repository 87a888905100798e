namespace Arrakis.IoBypass.Net.Wire;

/// <summary>One SACK block (RFC 2018 §3): the left edge (first sequence number of the block) and the
/// right edge (the sequence number just after its last byte).</summary>
internal readonly record struct TcpSackBlock(uint Left, uint Right);
