namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>What <see cref="TcpSocket.Process"/> did with a segment. Nothing a peer sends throws; every
/// value other than <see cref="Accepted"/> is a reason to count.</summary>
internal enum TcpInput : byte
{
    /// <summary>The segment was processed (it may have carried nothing new).</summary>
    Accepted,

    /// <summary>The 4-tuple is not this socket's (or the socket is closed): try another socket, or answer with
    /// <see cref="TcpReset.TryAnswer"/>.</summary>
    NotForThisSocket,

    /// <summary>The segment belongs here but the state machine refuses it and RFC 9293 §3.10.7.1-3 wants a reset sent
    /// (an ACK in LISTEN, an unacceptable ACK in SYN-SENT or SYN-RECEIVED): answer with <see cref="TcpReset.TryAnswer"/>.</summary>
    ResetPeer,

    /// <summary>Dropped: outside the receive window, old duplicate, not acceptable; an ACK may be queued for it
    /// (RFC 9293 §3.10.7.4 first check), or a challenge ACK (RFC 5961).</summary>
    Dropped,

    /// <summary>Dropped because it lacked the timestamps option that was negotiated, or failed PAWS (RFC 7323 §3.2, §5.3).</summary>
    DroppedTimestamp,

    /// <summary>Processed a reset: the socket went to <see cref="TcpState.Closed"/> (or back to LISTEN).</summary>
    ResetReceived,

    /// <summary>A new SYN for a connection in TIME-WAIT, above the old sequence space (RFC 1122 4.2.2.13, RFC 6191):
    /// the socket went to <see cref="TcpState.Closed"/>; hand the same segment to a listening socket.</summary>
    Reopen,
}
