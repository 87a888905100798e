using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>TcpSocket's input after the sequence and RST/SYN checks: the ACK field (RFC 9293 §3.10.7.4 fifth step,
/// RFC 5681, RFC 6298), the segment text (seventh) and FIN (eighth).</summary>
internal sealed partial class TcpSocket
{
    /// <summary>RFC 9293 §3.8.6.3 (MUST-40) / RFC 1122 4.2.3.2: "the delay MUST be less than 0.5 seconds".</summary>
    private const long MaxAckDelay = 500 * TcpConfig.Millisecond;

    /// <summary>Duplicate ACKs owed from one receive burst are capped (our choice: enough for fast retransmit and
    /// for cwnd inflation during recovery, bounded work per poll).</summary>
    private const int MaxDupAcksOwed = 64;

    private bool _wsEnabled;
    private int _dupAcksOwed;
    private bool _probeOutstanding;

    /// <summary>The highest ACK that can be valid: SND.MAX, plus the byte of an outstanding zero-window probe.</summary>
    private SeqNumber AckLimit => _probeOutstanding ? _sndMax + 1 : _sndMax;
    private long _challengePeriodStart;
    private int _challengeAcks;
    private SeqNumber _lastOutOfOrder;

    /// <summary>RFC 9293 §3.10.7.4 "fifth, check the ACK field", with RFC 5961 §5.2.</summary>
    private TcpInput ProcessAck(long now, in TcpRepr seg)
    {
        var ack = new SeqNumber(seg.AcknowledgmentNumber);
        if (State == TcpState.SynReceived)
        {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state ... If the segment acknowledgment
            // is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>"
            if (ack <= _sndUna || ack > _sndMax) return TcpInput.ResetPeer;
            SampleRtt(now, ack);
            _sndUna = _sndNxt = ack;
            _rtoAt = Never;
            _retries = 0;
            EnterEstablished(now);
            _sndWl1 = new SeqNumber(seg.SequenceNumber) - 1; // force the window update below (scaled from now on)
            UpdateWindow(seg, ack);
            return TcpInput.Accepted;
        }
        if (ack > AckLimit)
        {
            _ackNow = true; // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop"
            return TcpInput.Dropped;
        }
        if (ack < _sndUna - (int)Math.Min(_maxSndWnd, int.MaxValue))
        {
            ChallengeAck(now); // RFC 5961 §5.2: older than SND.UNA - MAX.SND.WND: challenge ACK, drop
            return TcpInput.Dropped;
        }
        if (ack > _sndUna)
        {
            OnNewAck(now, ack);
        }
        else if (ack == _sndUna && IsDuplicateAck(seg) && _cc.OnDuplicateAck(ack, _sndMax, _sndMax - _sndUna))
        {
            _retransmitOne = true; // RFC 5681 §3.2 step 2: fast retransmit
            _timing = false;       // Karn: the timed segment may be the one retransmitted
        }
        UpdateWindow(seg, ack);
        return TcpInput.Accepted;
    }

    /// <summary>RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": data outstanding, no data, no SYN/FIN, SEG.ACK = SND.UNA
    /// (checked by the caller), the same window.</summary>
    private bool IsDuplicateAck(in TcpRepr seg) =>
        _sndMax > _sndUna && seg.PayloadLength == 0 && (seg.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
        && ((long)seg.Window << _sndShift) == _sndWnd;

    private void OnNewAck(long now, SeqNumber ack)
    {
        int acked = ack - _sndUna;
        bool finAcked = _finQueued && ack > FinSeq;
        _tx.Discard(Math.Min(acked, _tx.Length)); // "Any segments on the retransmission queue that are thereby entirely acknowledged are removed"
        SampleRtt(now, ack);
        _sndUna = ack;
        if (_sndMax < _sndUna) _sndMax = _sndUna; // the zero-window probe's byte was taken
        if (_sndNxt < _sndUna) _sndNxt = _sndUna;
        _probeOutstanding = false;
        _retries = 0;
        if (_cc.OnNewAck(ack, acked, _sndMax - _sndUna)) _retransmitOne = true; // RFC 6582 §3.2 step 5
        _rtoAt = _sndUna == _sndMax ? Never : now + _rtt.Rto; // RFC 6298 §5.2 (all acked: stop), §5.3 (restart)
        if (finAcked) OnFinAcked(now);
    }

    /// <summary>RFC 6298 §3 / §2: a sample from the timed segment once the ACK covers it (Karn: never a retransmitted one).</summary>
    private void SampleRtt(long now, SeqNumber ack)
    {
        if (!_timing || ack < _timedSeq) return;
        _timing = false;
        _rtt.Sample(now - _timedAt);
    }

    /// <summary>RFC 9293 §3.10.7.4 fifth step: "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
    /// updated. If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK))"; the field is scaled (RFC 7323 §2.3).</summary>
    private void UpdateWindow(in TcpRepr seg, SeqNumber ack)
    {
        var seq = new SeqNumber(seg.SequenceNumber);
        if (ack < _sndUna || ack > AckLimit) return;
        if (!(_sndWl1 < seq || (_sndWl1 == seq && _sndWl2 <= ack))) return;
        _sndWnd = (long)seg.Window << _sndShift;
        _sndWl1 = seq;
        _sndWl2 = ack;
        _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
    }

    /// <summary>Our FIN is acknowledged (RFC 9293 §3.10.7.4 fifth step, per state).</summary>
    private void OnFinAcked(long now)
    {
        switch (State)
        {
            case TcpState.FinWait1:
                State = TcpState.FinWait2; // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2"
                break;
            case TcpState.Closing:
                EnterTimeWait(now);        // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state"
                break;
            case TcpState.LastAck:
                EnterClosed(TcpCloseReason.None); // "If our FIN is now acknowledged, delete the TCB, enter CLOSED"
                break;
        }
    }

    /// <summary>RFC 9293 §3.10.7.4 "seventh, process the segment text": in-order bytes go to the ring, bytes past
    /// RCV.NXT wait in the ring's free space, tracked by the reassembly ranges.</summary>
    private void ProcessData(long now, SeqNumber seq, ReadOnlySpan<byte> payload)
    {
        if (State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)) return; // others ignore text
        int offset = seq - _rcvNxt;
        if (offset < 0)
        {
            if (-offset >= payload.Length) return;
            payload = payload[-offset..]; // trim what we already have
            offset = 0;
        }
        if (offset > 0)
        {
            int stored = _rx.WriteUnallocated(offset, payload); // clipped to the window
            if (stored > 0 && _ooo.Add(offset, stored)) _lastOutOfOrder = seq;
            // RFC 5681 §4.2: "SHOULD send an immediate duplicate ACK when an out-of-order segment arrives": one per
            // segment, even when a receive burst brings several (the sender counts them, RFC 5681 §3.2)
            _dupAcksOwed = Math.Min(_dupAcksOwed + 1, MaxDupAcksOwed);
            _ackNow = true;
            return;
        }
        bool fillsGap = !_ooo.IsEmpty;
        int n = _rx.WriteUnallocated(0, payload);
        AdvanceReceive(n);
        _ooo.Shift(n);
        AdvanceReceive(_ooo.TakeFront());
        if (fillsGap || n < payload.Length)
        {
            _ackNow = true; // RFC 5681 §4.2: a segment that fills a gap is acknowledged at once
            return;
        }
        // RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: delay the ACK at most DelayedAckTimeout (<= 500 ms), but ACK at
        // least every second segment (we count every segment, not only full-sized ones: at worst more ACKs).
        if (++_unackedSegments >= 2) _ackNow = true;
        else if (_delayedAckAt == Never) _delayedAckAt = now + Math.Min(_config.DelayedAckTimeout, MaxAckDelay);
    }

    private void AdvanceReceive(int n)
    {
        _rx.CommitUnallocated(n);
        _rcvNxt += n;
    }

    /// <summary>Remembers where the peer's FIN sits (it may arrive before the bytes before it).</summary>
    private void NoteFin(SeqNumber finSeq)
    {
        if (_remoteFinReceived || State is not (TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)) return;
        if (finSeq - _rcvNxt < 0 || finSeq - _rcvNxt > ReceiveWindow) return;
        _remoteFinPending = true;
        _remoteFinSeq = finSeq;
    }

    /// <summary>RFC 9293 §3.10.7.4 "eighth, check the FIN bit": RCV.NXT covers the FIN, acknowledge it, change state.</summary>
    private void ProcessFin(long now)
    {
        _remoteFinPending = false;
        _remoteFinReceived = true;
        _rcvNxt += 1;
        _ackNow = true;
        switch (State)
        {
            case TcpState.Established:
                State = TcpState.CloseWait;
                break;
            case TcpState.FinWait1:
                State = TcpState.Closing; // our FIN not yet acknowledged (else we would be in FIN-WAIT-2)
                break;
            case TcpState.FinWait2:
                EnterTimeWait(now);
                break;
        }
    }
}
