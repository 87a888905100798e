using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// TcpSocket's side of SYN cookies (RFC 4987 §3.6, see <see cref="SynCookies"/>): a listening socket that just took a
/// SYN (SYN-RECEIVED, nothing sent yet) either answers it statelessly and listens again, or, fed the SYN the cookie
/// rebuilt, becomes the connection whose SYN-ACK went out earlier.
/// </summary>
internal sealed partial class TcpSocket
{
    /// <summary>
    /// Builds the SYN-ACK with <paramref name="iss"/> (the cookie) as its sequence number, exactly as this socket
    /// would have sent it, then forgets the connection without a word on the wire and listens again. False (and
    /// nothing changes) unless the socket is a passive SYN-RECEIVED one that has sent nothing.
    /// </summary>
    public bool TryAnswerStatelessly(long now, SeqNumber iss, out TcpRepr synAck)
    {
        synAck = default;
        if (!UseInitialSequence(iss)) return false;
        bool built = TryEmitSyn(now, out synAck);
        var listenAt = _listenEndpoint;
        EnterClosed(TcpCloseReason.None);
        _rstPending = false;
        Listen(listenAt);
        return built;
    }

    /// <summary>
    /// Becomes the SYN-RECEIVED connection whose SYN-ACK (sequence number <paramref name="iss"/>) was sent
    /// statelessly: SND.NXT = ISS + 1 and the retransmission timer runs. The SYN-ACK's send time is unknown,
    /// so it gives no RTT sample (RFC 6298 §3, Karn). Feed the ACK that carried the cookie next.
    /// </summary>
    public bool ResumeAfterStatelessSynAck(long now, SeqNumber iss)
    {
        if (!UseInitialSequence(iss)) return false;
        AfterAckSent();
        _sndNxt = _sndMax = _iss + 1;
        StartRetransmitTimer(now);
        return true;
    }

    private bool UseInitialSequence(SeqNumber iss)
    {
        if (State != TcpState.SynReceived || !_passive || _sndMax != _iss) return false;
        _iss = _sndUna = _sndNxt = _sndMax = iss;
        _cc.Reset(_sendMss, _iss);
        return true;
    }
}
