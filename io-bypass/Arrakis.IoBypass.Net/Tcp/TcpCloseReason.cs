namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>Why a socket reached <see cref="TcpState.Closed"/> (RFC 9293 §3.10: the errors a user call reports).</summary>
internal enum TcpCloseReason : byte
{
    /// <summary>Not closed, or closed by the orderly exchange of FINs (TIME-WAIT expired, LAST-ACK acknowledged).</summary>
    None,

    /// <summary>The peer reset the connection (RFC 9293 §3.10.7.4 first step: "connection reset").</summary>
    Reset,

    /// <summary>Retransmissions (data, SYN or keepalive probes) went unanswered too long (RFC 9293 §3.8.3, RFC 1122 4.2.3.5).</summary>
    TimedOut,

    /// <summary>The application aborted (<see cref="TcpSocket.Abort"/>).</summary>
    Aborted,
}
