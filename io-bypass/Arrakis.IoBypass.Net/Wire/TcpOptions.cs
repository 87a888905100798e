namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// The TCP options this stack understands, parsed out of a header or to be emitted into one: a value.
/// Absent options are null / false / empty. Whether an option is allowed on a given segment (MSS
/// and window scale only on SYN) is the connection's rule, not the parser's.
/// </summary>
internal readonly record struct TcpOptions
{
    /// <summary>Maximum segment size (RFC 9293 §3.7.1; kind 2, length 4).</summary>
    public ushort? MaxSegmentSize { get; init; }

    /// <summary>Window scale shift count (RFC 7323 §2.2; kind 3, length 3), at most 14 (§2.3).</summary>
    public byte? WindowScale { get; init; }

    /// <summary>SACK-permitted (RFC 2018 §2; kind 4, length 2).</summary>
    public bool SackPermitted { get; init; }

    /// <summary>SACK blocks (RFC 2018 §3; kind 5, length 2 + 8n); empty when absent.</summary>
    public TcpSackBlocks SackBlocks { get; init; }

    /// <summary>Timestamps (RFC 7323 §3.2; kind 8, length 10).</summary>
    public TcpTimestamp? Timestamp { get; init; }

    /// <summary>True when no option is present.</summary>
    public bool IsEmpty => this == default;
}
