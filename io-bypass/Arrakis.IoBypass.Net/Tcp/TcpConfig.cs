using System.Security.Cryptography;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// The parameters of one socket, fixed at construction. Times are microseconds. Defaults are the RFCs'
/// where the RFCs give one; tests shrink them. Immutable after construction; share freely.
/// </summary>
internal sealed record TcpConfig
{
    public const long Millisecond = 1_000;
    public const long Second = 1_000_000;

    /// <summary>Bytes of the receive ring (bounds the advertised window).</summary>
    public int ReceiveBufferSize { get; init; } = 64 * 1024;

    /// <summary>Bytes of the send ring (unacknowledged + unsent data).</summary>
    public int SendBufferSize { get; init; } = 64 * 1024;

    /// <summary>The MSS we announce: what we can receive (RFC 9293 §3.7.1; 1460 = Ethernet 1500 - 20 - 20).</summary>
    public ushort MaxSegmentSize { get; init; } = 1460;

    /// <summary>Offer window scaling (RFC 7323 §2). The shift is the smallest that fits <see cref="ReceiveBufferSize"/>.</summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>Offer timestamps (RFC 7323 §3).</summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>Offer SACK-permitted (RFC 2018 §2); when agreed, ACKs carry SACK blocks for out-of-order data (§4).</summary>
    public bool SackPermitted { get; init; } = true;

    /// <summary>RFC 6298 §2.1: the RTO before any RTT sample is 1 s.</summary>
    public long InitialRto { get; init; } = 1 * Second;

    /// <summary>RFC 6298 §2.4: "RTO SHOULD be rounded up to 1 second" (Linux uses 200 ms).</summary>
    public long MinRto { get; init; } = 1 * Second;

    /// <summary>RFC 6298 §2.5: a maximum may be placed on RTO provided it is at least 60 seconds.</summary>
    public long MaxRto { get; init; } = 60 * Second;

    /// <summary>RFC 6298 §2: G, the clock granularity, in the RTTVAR term's floor.</summary>
    public long ClockGranularity { get; init; } = 1 * Millisecond;

    /// <summary>Retransmissions of one segment before giving up (RFC 9293 §3.8.3 R2; RFC 1122 4.2.3.5: at least 100 s for data).</summary>
    public int MaxRetransmissions { get; init; } = 12;

    /// <summary>RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: an ACK may be delayed, at most 500 ms.</summary>
    public long DelayedAckTimeout { get; init; } = 200 * Millisecond;

    /// <summary>RFC 9293 §3.3.2: the maximum segment lifetime; TIME-WAIT lasts 2 MSL (MSL is 2 minutes there).</summary>
    public long MaxSegmentLifetime { get; init; } = 120 * Second;

    /// <summary>Keepalive (RFC 1122 4.2.3.6): off by default ("MUST default to off"); the idle time before a probe
    /// ("MUST default to no less than two hours") when on.</summary>
    public long? KeepaliveIdle { get; init; }

    /// <summary>Between unanswered keepalive probes.</summary>
    public long KeepaliveInterval { get; init; } = 75 * Second;

    /// <summary>Unanswered keepalive probes before the connection is dropped.</summary>
    public int KeepaliveProbes { get; init; } = 9;

    /// <summary>Out-of-order ranges kept for reassembly; a segment that would need more is dropped.</summary>
    public int ReassemblyRanges { get; init; } = 8;

    /// <summary>RFC 5961 §7: the most challenge ACKs one socket sends per second.</summary>
    public int ChallengeAcksPerSecond { get; init; } = 10;

    /// <summary>The key for the RFC 6528 ISN hash (and the timestamp offset). RFC 6528 §3: secret and hard to
    /// guess, so the default is 16 random bytes per config instance (share one config per host); tests inject a fixed one.</summary>
    public ReadOnlyMemory<byte> IsnSecret { get; init; } = RandomNumberGenerator.GetBytes(16);

    /// <summary>Receive shift announced in our SYN: the smallest that makes <see cref="ReceiveBufferSize"/> fit 16 bits (RFC 7323 §2.3, at most 14).</summary>
    public byte ReceiveWindowShift
    {
        get
        {
            byte shift = 0;
            while (shift < 14 && (ReceiveBufferSize >> shift) > ushort.MaxValue) shift++;
            return shift;
        }
    }
}
