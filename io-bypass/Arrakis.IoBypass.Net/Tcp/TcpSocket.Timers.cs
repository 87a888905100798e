namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>TcpSocket's timers: retransmission and persist (RFC 6298, RFC 9293 §3.8.6.1), delayed ACK
/// (RFC 9293 §3.8.6.3), TIME-WAIT (RFC 9293 §3.3.2), keepalive (RFC 1122 4.2.3.6), and <see cref="PollAt"/>.</summary>
internal sealed partial class TcpSocket
{
    private bool _ackNow;
    private int _unackedSegments;
    private long _delayedAckAt = Never;
    private long _rtoAt = Never;
    private int _retries;
    private long _timeWaitAt = Never;
    private long _keepaliveAt = Never;
    private int _keepaliveSent;
    private bool _keepaliveDue;
    private bool _probeDue;
    private bool _retransmitOne;
    private bool _swsOverride;
    private bool _rstPending;

    // RFC 6298 §3 (Karn): one segment timed at a time, never a retransmitted one.
    private bool _timing;
    private SeqNumber _timedSeq;
    private long _timedAt;

    /// <summary>
    /// When <see cref="TryDispatch"/> next has work: <paramref name="now"/> (or earlier) when a segment is ready
    /// to go, the earliest timer otherwise, <see cref="Never"/> when idle. Pure: changes nothing.
    /// </summary>
    public long PollAt(long now)
    {
        if (State == TcpState.Closed) return _rstPending ? now : Never;
        if (State == TcpState.Listen) return Never;
        if (_ackNow || _dupAcksOwed > 0 || _retransmitOne || _probeDue || _keepaliveDue || _swsOverride) return now;
        if (SynUnacked && _sndNxt == _iss) return now;
        if (NextSegmentLength(int.MaxValue, out bool fin) > 0 || fin) return now;
        if (NeedsPersistTimer && _rtoAt == Never) return now;
        return Math.Min(Math.Min(_rtoAt, _delayedAckAt), Math.Min(_timeWaitAt, _keepaliveAt));
    }

    /// <summary>Data waits, nothing is in flight and nothing may be sent (the peer's window is closed, or too small
    /// for sender SWS avoidance): the persist timer must run so that a window probe (RFC 9293 §3.8.6.1) or the
    /// SWS override (RFC 9293 §3.8.6.2.1: "a timeout ... to force transmission of data") goes out.</summary>
    private bool NeedsPersistTimer => IsSynchronized && _sndNxt == _sndUna && _sndMax == _sndUna && UnsentBytes > 0
        && NextSegmentLength(int.MaxValue, out bool fin) == 0 && !fin;

    private int UnsentBytes => _tx.Length - (_sndNxt - DataStart);

    private void ResetTimers()
    {
        _ackNow = _keepaliveDue = _probeDue = _probeOutstanding = _swsOverride = _retransmitOne = _timing = false;
        _unackedSegments = _retries = _keepaliveSent = _dupAcksOwed = 0;
        _delayedAckAt = _rtoAt = _timeWaitAt = _keepaliveAt = Never;
    }

    /// <summary>Fires every timer due at <paramref name="now"/>.</summary>
    private void RunTimers(long now)
    {
        if (_timeWaitAt <= now)
        {
            EnterClosed(TcpCloseReason.None); // RFC 9293 §3.10.8: TIME-WAIT timeout, delete the TCB
            return;
        }
        if (_delayedAckAt <= now)
        {
            _ackNow = true; // RFC 9293 §3.8.6.3: the delayed ACK is due
            _delayedAckAt = Never;
        }
        if (_rtoAt <= now) OnRetransmitTimer(now);
        if (_keepaliveAt <= now && State != TcpState.Closed) OnKeepaliveTimer(now);
    }

    private void OnRetransmitTimer(long now)
    {
        if (_sndNxt == _sndUna && (_sndMax == _sndUna || _probeOutstanding) && IsSynchronized)
        {
            // The persist timer. RFC 9293 §3.8.6.1: probe a zero window, backing off exponentially; not a
            // retransmission, so no give-up count: the connection stays open as long as the peer answers.
            // A small non-zero window instead gets what fits, overriding SWS avoidance (§3.8.6.2.1).
            bool waiting = UnsentBytes > 0;
            _probeDue = waiting && _sndWnd == 0;
            _swsOverride = waiting && _sndWnd > 0;
            if (_probeDue) _rtt.Backoff();
            _rtoAt = _probeDue ? now + _rtt.Rto : Never;
            return;
        }
        if (_sndMax == _sndUna)
        {
            _rtoAt = Never;
            return;
        }
        if (++_retries > _config.MaxRetransmissions)
        {
            EnterClosed(TcpCloseReason.TimedOut); // RFC 9293 §3.8.3: R2 reached, close the connection
            return;
        }
        _cc.OnTimeout(_sndMax - _sndUna, _sndMax); // RFC 5681 §3.1 equation 4, RFC 6582 §4
        _sndNxt = _sndUna;                           // RFC 6298 §5.4: retransmit the earliest unacknowledged segment (go-back-N)
        _retransmitOne = false;
        _timing = false;                             // RFC 6298 §3 (Karn): no sample from a retransmission
        _rtt.Backoff();                              // RFC 6298 §5.5
        _rtoAt = now + _rtt.Rto;                     // RFC 6298 §5.6
        Retransmissions++;
        Timeouts++;
    }

    private void OnKeepaliveTimer(long now)
    {
        if (State != TcpState.Established || _sndMax != _sndUna)
        {
            _keepaliveAt = ArmKeepalive(now); // data in flight: the retransmission timer watches the peer
            return;
        }
        if (_keepaliveSent >= _config.KeepaliveProbes)
        {
            EnterClosed(TcpCloseReason.TimedOut); // RFC 1122 4.2.3.6: the peer is gone
            return;
        }
        _keepaliveDue = true;
        _keepaliveSent++;
        _keepaliveAt = now + _config.KeepaliveInterval;
    }

    /// <summary>RFC 1122 4.2.3.6: the keepalive deadline after traffic from the peer; Never when keepalive is off.</summary>
    private long ArmKeepalive(long now) => _config.KeepaliveIdle is { } idle ? now + idle : Never;

    /// <summary>RFC 6298 §5.1: start the timer when data goes out and it is not running.</summary>
    private void StartRetransmitTimer(long now)
    {
        if (_rtoAt == Never) _rtoAt = now + _rtt.Rto;
    }

    private void EnterTimeWait(long now)
    {
        State = TcpState.TimeWait;
        _rtoAt = _keepaliveAt = _delayedAckAt = Never;
        _timeWaitAt = now + 2 * _config.MaxSegmentLifetime; // RFC 9293 §3.3.2: 2 MSL
    }
}
