using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>TcpSocket's input side: RFC 9293 §3.10.7 "SEGMENT ARRIVES", state by state.</summary>
internal sealed partial class TcpSocket
{
    /// <summary>
    /// Feeds one parsed segment that arrived from <paramref name="source"/> to <paramref name="destination"/>;
    /// <paramref name="payload"/> is its data (segment.PayloadLength bytes; a mismatch is dropped). Replies
    /// (ACKs, SYN-ACK, challenge ACKs) are queued for <see cref="TryDispatch"/>. Never throws for any input.
    /// </summary>
    public TcpInput Process(long now, Ipv4Address source, Ipv4Address destination, in TcpRepr segment, ReadOnlySpan<byte> payload)
    {
        var from = new TcpEndpoint(source, segment.SourcePort);
        var to = new TcpEndpoint(destination, segment.DestinationPort);
        if (payload.Length != segment.PayloadLength) return TcpInput.Dropped;
        switch (State)
        {
            case TcpState.Closed:
                return TcpInput.NotForThisSocket;
            case TcpState.Listen:
                if (to.Port != _listenEndpoint.Port) return TcpInput.NotForThisSocket;
                if (!_listenEndpoint.Address.IsUnspecified && to.Address != _listenEndpoint.Address) return TcpInput.NotForThisSocket;
                return ProcessListen(now, from, to, segment);
            default:
                if (from != Remote || to != Local) return TcpInput.NotForThisSocket;
                return State == TcpState.SynSent ? ProcessSynSent(now, segment) : ProcessSynchronized(now, segment, payload);
        }
    }

    /// <summary>RFC 9293 §3.10.7.2 LISTEN.</summary>
    private TcpInput ProcessListen(long now, TcpEndpoint from, TcpEndpoint to, in TcpRepr seg)
    {
        if ((seg.Flags & TcpFlags.Rst) != 0) return TcpInput.Dropped;        // "first, check for a RST": ignore
        if ((seg.Flags & TcpFlags.Ack) != 0) return TcpInput.ResetPeer;      // "second, check for an ACK": <SEQ=SEG.ACK><CTL=RST>
        if ((seg.Flags & TcpFlags.Syn) == 0) return TcpInput.Dropped;        // "fourth, other data or control": drop
        if ((seg.Flags & TcpFlags.Fin) != 0) return TcpInput.Dropped;        // SYN+FIN: not a sane open (our choice)
        // "third, check for a SYN": RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, ISS selected, send <SYN,ACK>.
        // Data on the SYN is not kept: RCV.NXT excludes it, the peer retransmits it.
        Remote = from;
        Local = to;
        _irs = new SeqNumber(seg.SequenceNumber);
        _rcvNxt = _irs + 1;
        NegotiateOptions(seg);
        StartSendSequence(now);
        _sndWnd = seg.Window; // RFC 7323 §2.2: the SYN's window is not scaled
        _maxSndWnd = _sndWnd;
        _sndWl1 = _irs;
        _sndWl2 = _iss;
        State = TcpState.SynReceived;
        return TcpInput.Accepted;
    }

    /// <summary>RFC 9293 §3.10.7.3 SYN-SENT.</summary>
    private TcpInput ProcessSynSent(long now, in TcpRepr seg)
    {
        bool hasAck = (seg.Flags & TcpFlags.Ack) != 0;
        var ack = new SeqNumber(seg.AcknowledgmentNumber);
        if (hasAck && (ack <= _iss || ack > _sndMax))
        {
            // "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set), discard"
            return (seg.Flags & TcpFlags.Rst) != 0 ? TcpInput.Dropped : TcpInput.ResetPeer;
        }
        if ((seg.Flags & TcpFlags.Rst) != 0)
        {
            if (!hasAck) return TcpInput.Dropped;   // "If the ACK was acceptable, then signal 'connection reset'" else drop
            EnterClosed(TcpCloseReason.Reset);
            return TcpInput.ResetReceived;
        }
        if ((seg.Flags & TcpFlags.Syn) == 0) return TcpInput.Dropped;
        _irs = new SeqNumber(seg.SequenceNumber);
        _rcvNxt = _irs + 1;
        NegotiateOptions(seg);
        _sndWl1 = _irs;
        if (hasAck)
        {
            // SND.UNA = SEG.ACK; our SYN acknowledged: ESTABLISHED, send <ACK>
            SampleRtt(now, ack);
            _sndUna = ack;
            _sndWl2 = ack;
            _sndWnd = seg.Window; // RFC 7323 §2.2: unscaled on the SYN-ACK
            _maxSndWnd = _sndWnd;
            _rtoAt = _sndMax == _sndUna ? Never : _rtoAt;
            _retries = 0;
            EnterEstablished(now);
            _ackNow = true;
            return TcpInput.Accepted;
        }
        // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment" (the SYN is sent again with ACK)
        State = TcpState.SynReceived;
        _sndNxt = _iss;
        _sndWnd = seg.Window;
        return TcpInput.Accepted;
    }

    /// <summary>RFC 7323 §2.2, §3.2, RFC 2018 §2, RFC 9293 §3.7.1: what both sides agreed on in the SYNs. Our SYN
    /// offers what the config enables, our SYN-ACK answers only what the peer offered, so the same rule serves both.</summary>
    private void NegotiateOptions(in TcpRepr seg)
    {
        var o = seg.Options;
        _wsEnabled = _config.WindowScaling && o.WindowScale.HasValue; // RFC 7323 §2.2: scaling only if both sent the option
        _sndShift = _wsEnabled ? Math.Min(o.WindowScale.GetValueOrDefault(), TcpOptionCodec.MaximumWindowScale) : (byte)0;
        _rcvShift = _wsEnabled ? _config.ReceiveWindowShift : (byte)0;
        _sack = _config.SackPermitted && o.SackPermitted;
        _ts = _config.Timestamps && o.Timestamp.HasValue;   // RFC 7323 §3.2: both SYNs carry TSopt
        if (_ts) _tsRecent = o.Timestamp.GetValueOrDefault().Value;
        // RFC 9293 §3.7.1: SendMSS from the option (536 without it), minus the options on every segment
        int mss = Math.Min(o.MaxSegmentSize ?? DefaultSendMss, (int)_config.MaxSegmentSize) - (_ts ? 12 : 0);
        _sendMss = Math.Max(MinSendMss, mss);
    }

    private void EnterEstablished(long now)
    {
        // RFC 6298 §5.7: if the SYN (or SYN-ACK) timed out and RTO is below 3 s, restart data transmission from 3 s
        if (Retransmissions > 0) _rtt.Reinitialize(3 * TcpConfig.Second);
        State = TcpState.Established;
        _cc.Reset(_sendMss, _iss);
        _keepaliveAt = ArmKeepalive(now);
        if (_finQueued) State = TcpState.FinWait1; // Close() in SYN-RECEIVED: the FIN goes after establishment (RFC 9293 §3.10.4)
    }

    /// <summary>RFC 9293 §3.10.7.4: every state from SYN-RECEIVED on.</summary>
    private TcpInput ProcessSynchronized(long now, in TcpRepr seg, ReadOnlySpan<byte> payload)
    {
        var seq = new SeqNumber(seg.SequenceNumber);
        bool rst = (seg.Flags & TcpFlags.Rst) != 0;
        if (IsReopeningSyn(seg, seq))
        {
            EnterClosed(TcpCloseReason.None);
            return TcpInput.Reopen;
        }
        if (_ts && !rst)
        {
            // RFC 7323 §3.2: once agreed, a segment without TSopt is dropped (RST excepted); §5.3 PAWS.
            if (seg.Options.Timestamp is not { } ts) return TcpInput.DroppedTimestamp;
            if (unchecked((int)(ts.Value - _tsRecent)) < 0 && State != TcpState.SynReceived)
            {
                _ackNow = true;
                return TcpInput.DroppedTimestamp;
            }
        }
        if (!IsAcceptable(seq, SegmentLength(seg)))
        {
            // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply (unless the RST bit is set)"
            if (!rst) _ackNow = true;
            // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made to accept
            // valid ACKs": the text is refused, the ACK field is still taken (else both sides could stall).
            if (!rst && ReceiveWindow == 0 && seq == _rcvNxt && (seg.Flags & (TcpFlags.Ack | TcpFlags.Syn)) == TcpFlags.Ack) ProcessAck(now, seg);
            if (State == TcpState.TimeWait && (seg.Flags & TcpFlags.Fin) != 0) EnterTimeWait(now); // restart 2 MSL
            return TcpInput.Dropped;
        }
        if (rst) return ProcessReset(now, seq);
        if ((seg.Flags & TcpFlags.Syn) != 0)
        {
            // RFC 9293 §3.10.7.4 fourth / RFC 5961 §4.2: a SYN in a synchronized state gets a challenge ACK
            ChallengeAck(now);
            return TcpInput.Dropped;
        }
        if ((seg.Flags & TcpFlags.Ack) == 0) return TcpInput.Dropped; // "fifth, if the ACK bit is off, drop"
        var status = ProcessAck(now, seg);
        if (status != TcpInput.Accepted) return status;
        if (_ts && seq <= _lastAckSent)
        {
            // RFC 7323 §4.3: TS.Recent <- SEG.TSval when SEG.SEQ =< Last.ACK.sent (monotonic, checked above)
            _tsRecent = seg.Options.Timestamp.GetValueOrDefault().Value;
        }
        _keepaliveAt = State == TcpState.TimeWait ? Never : ArmKeepalive(now); // RFC 1122 4.2.3.6: traffic seen
        _keepaliveSent = 0;
        if (payload.Length > 0) ProcessData(now, seq, payload);
        if ((seg.Flags & TcpFlags.Fin) != 0) NoteFin(seq + payload.Length);
        if (_remoteFinPending && _remoteFinSeq == _rcvNxt) ProcessFin(now);
        return TcpInput.Accepted;
    }

    /// <summary>RFC 1122 4.2.2.13: a TIME-WAIT connection "MAY accept a new SYN from the remote TCP to reopen the
    /// connection" when it is above the old sequence space; RFC 6191 §2 allows the test on timestamps instead.
    /// The new ISN comes from the RFC 6528 clock, which has moved on since the old one.</summary>
    private bool IsReopeningSyn(in TcpRepr seg, SeqNumber seq)
    {
        if (State != TcpState.TimeWait || (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn) return false;
        if (_ts && seg.Options.Timestamp is { } ts) return unchecked((int)(ts.Value - _tsRecent)) > 0; // RFC 6191 §2
        return seq > _rcvNxt;
    }

    private static int SegmentLength(in TcpRepr seg) => seg.PayloadLength
        + ((seg.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((seg.Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    /// <summary>RFC 9293 §3.10.7.4 "first, check sequence number": the four cases of SEG.LEN and RCV.WND.</summary>
    private bool IsAcceptable(SeqNumber seq, int length)
    {
        int window = ReceiveWindow;
        if (length == 0)
        {
            // 0, 0: SEG.SEQ = RCV.NXT; 0, >0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND, where we also take the right edge
            // itself, as Linux does (tcp_sequence): a peer whose segments fill our window sends its ACKs at the right
            // edge (SND.NXT, capped there; see AcceptableAckSeq), and refusing them while data before them is missing
            // lost its ACKs, which with its window full of our data stalled both directions (the netsim sweep found it).
            return seq >= _rcvNxt && seq - _rcvNxt <= window;
        }
        if (window == 0) return false;                                                  // >0, 0: not acceptable
        return seq.InWindow(_rcvNxt, window) || (seq + length - 1).InWindow(_rcvNxt, window); // >0, >0: either end in the window
    }

    /// <summary>RFC 9293 §3.10.7.4 "second, check the RST bit" with RFC 5961 §3.2.</summary>
    private TcpInput ProcessReset(long now, SeqNumber seq)
    {
        if (seq != _rcvNxt)
        {
            ChallengeAck(now); // RFC 5961 §3.2: in the window but not exact: challenge ACK
            return TcpInput.Dropped;
        }
        if (State == TcpState.SynReceived && _passive)
        {
            // "If this connection was initiated with a passive OPEN, then return this connection to the LISTEN state"
            State = TcpState.Closed;
            Listen(_listenEndpoint);
            return TcpInput.ResetReceived;
        }
        // ESTABLISHED..CLOSE-WAIT: "connection reset"; CLOSING, LAST-ACK, TIME-WAIT: close
        EnterClosed(State is TcpState.Closing or TcpState.LastAck or TcpState.TimeWait ? TcpCloseReason.None : TcpCloseReason.Reset);
        return TcpInput.ResetReceived;
    }

    /// <summary>RFC 5961 §7: challenge ACKs are rate-limited (per socket here: at most
    /// <see cref="TcpConfig.ChallengeAcksPerSecond"/> in any one-second period).</summary>
    private void ChallengeAck(long now)
    {
        if (now - _challengePeriodStart >= TcpConfig.Second || now < _challengePeriodStart)
        {
            _challengePeriodStart = now;
            _challengeAcks = 0;
        }
        if (_challengeAcks >= _config.ChallengeAcksPerSecond) return;
        _challengeAcks++;
        _ackNow = true;
    }
}
