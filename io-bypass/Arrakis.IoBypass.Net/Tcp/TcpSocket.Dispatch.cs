using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>TcpSocket's output side: which segment goes next (RFC 9293 §3.8.6, §3.10), its header and options.</summary>
internal sealed partial class TcpSocket
{
    /// <summary>
    /// Fires due timers, then produces at most one segment from <see cref="Local"/> to <see cref="Remote"/>:
    /// its header in <paramref name="segment"/> and its data (segment.PayloadLength bytes, at most
    /// <paramref name="payload"/>.Length) copied into <paramref name="payload"/>, typically the NIC buffer
    /// right after the headers. Returns false when there is nothing to send now; call again until false.
    /// A payload buffer of at least <see cref="SendMss"/> bytes lets segments be full-sized.
    /// </summary>
    public bool TryDispatch(long now, Span<byte> payload, out TcpRepr segment)
    {
        segment = default;
        if (State is TcpState.Closed or TcpState.Listen) return TryEmitReset(out segment);
        RunTimers(now);
        if (State == TcpState.Closed) return TryEmitReset(out segment);
        if (SynUnacked) return TryEmitSyn(now, out segment);
        if (_retransmitOne && TryEmitFastRetransmit(now, payload, out segment)) return true;
        if (_probeDue && TryEmitProbe(now, payload, out segment)) return true;
        int n = NextSegmentLength(payload.Length, out bool sendFin);
        _swsOverride = false;
        if (n > 0 || sendFin)
        {
            segment = EmitData(now, _sndNxt, n, sendFin, payload, advanceNext: true);
            return true;
        }
        if (NeedsPersistTimer && _rtoAt == Never) _rtoAt = now + _rtt.Rto; // the persist timer (RFC 9293 §3.8.6.1, §3.8.6.2.1)
        if (_keepaliveDue)
        {
            // RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT-1, no data, so that the peer answers with an ACK
            _keepaliveDue = false;
            segment = Build(now, _sndMax - 1, TcpFlags.Ack, 0);
            return true;
        }
        if (_ackNow || _dupAcksOwed > 0)
        {
            _dupAcksOwed = Math.Max(0, _dupAcksOwed - 1);
            // RFC 9293 §3.10.7.4: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. Our SND.NXT moves back on a timeout
            // (go-back-N); the RFC's SND.NXT is our SND.MAX, and a pure ACK sent below the peer's RCV.NXT would
            // be unacceptable there and lose its ACK field (both sides retransmitting would then deadlock).
            segment = Build(now, AcceptableAckSeq, TcpFlags.Ack, 0);
            return true;
        }
        return false;
    }

    /// <summary>RFC 5681 §3.2 step 2 / RFC 6582 §3.2 step 5: retransmit the first unacknowledged segment only.</summary>
    private bool TryEmitFastRetransmit(long now, Span<byte> payload, out TcpRepr segment)
    {
        segment = default;
        _retransmitOne = false;
        int length = Math.Min(Math.Min(_sendMss, payload.Length), Math.Max(0, FinSeq - _sndUna));
        bool fin = _finQueued && _sndUna + length == FinSeq && _sndMax > FinSeq;
        if (length == 0 && !fin) return false;
        Retransmissions++;
        FastRetransmits++;
        segment = EmitData(now, _sndUna, length, fin, payload, advanceNext: false);
        return true;
    }

    /// <summary>RFC 9293 §3.8.6.1: a zero-window probe carries one new byte past the closed window. The byte stays
    /// outside SND.MAX: our later ACKs keep SEQ = SND.MAX, acceptable to a peer whose window is still zero
    /// (RFC 9293 §3.10.7.4 case 0, 0); an ACK covering the byte is allowed for (<see cref="AckLimit"/>).</summary>
    private bool TryEmitProbe(long now, Span<byte> payload, out TcpRepr segment)
    {
        segment = default;
        _probeDue = false;
        if (UnsentBytes <= 0 || payload.Length == 0) return false;
        _tx.Peek(_sndNxt - DataStart, payload[..1]);
        segment = Build(now, _sndNxt, TcpFlags.Ack | TcpFlags.Psh, 1);
        _probeOutstanding = true;
        WindowProbes++;
        return true;
    }

    /// <summary>Bytes of the next new-data segment at SND.NXT, and whether the FIN rides on it.</summary>
    private int NextSegmentLength(int max, out bool fin)
    {
        fin = false;
        if (!IsSynchronized || State == TcpState.TimeWait) return 0;
        int available = UnsentBytes;
        if (available < 0) return 0; // our FIN went out already
        long usable = Math.Min(_sndWnd, _cc.Cwnd) - (_sndNxt - _sndUna); // RFC 5681 §3.1: min(cwnd, rwnd) - flight
        int n = (int)Math.Max(0, Math.Min(Math.Min(available, usable), Math.Min(_sendMss, max)));
        // RFC 9293 §3.8.6.2.1 sender SWS avoidance (Nagle off, the data path wants low latency): send a full
        // segment, or all that is queued, or at least half the largest window the peer offered.
        if (n > 0 && n < _sendMss && n < available && n < _maxSndWnd / 2 && !_swsOverride) n = 0;
        fin = _finQueued && n == available; // RFC 9293 §3.10.4: the FIN follows the last byte queued
        return n;
    }

    /// <summary>
    /// The sequence number of a pure ACK: SND.MAX, capped at the right edge of the peer's window (SND.UNA + SND.WND),
    /// as Linux does (tcp_acceptable_seq). When the peer's window is closed and data we sent beyond its RCV.NXT was
    /// lost, SND.MAX is outside its window and the ACK would be refused with its ACK field; the right edge is where
    /// its RCV.NXT stands once the window has filled (a receiver does not shrink its window, RFC 9293 §3.8.6.2.2).
    /// </summary>
    private SeqNumber AcceptableAckSeq => _sndMax - _sndUna <= _sndWnd ? _sndMax : _sndUna + (int)_sndWnd;

    private TcpRepr EmitData(long now, SeqNumber seq, int length, bool fin, Span<byte> payload, bool advanceNext)
    {
        _tx.Peek(seq - DataStart, payload[..length]);
        var flags = TcpFlags.Ack | (length > 0 ? TcpFlags.Psh : 0) | (fin ? TcpFlags.Fin : 0);
        var segment = Build(now, seq, flags, length);
        SeqNumber end = seq + length + (fin ? 1 : 0);
        if (advanceNext) _sndNxt = SeqNumber.Max(_sndNxt, end);
        _probeOutstanding = false;
        if (end > _sndMax)
        {
            if (!_timing && seq >= _sndMax)
            {
                _timing = true; // RFC 6298 §3: time new data only (Karn)
                _timedSeq = end;
                _timedAt = now;
            }
            _sndMax = end;
        }
        StartRetransmitTimer(now);
        return segment;
    }

    private bool TryEmitSyn(long now, out TcpRepr segment)
    {
        segment = default;
        if (_sndNxt != _iss)
        {
            // RFC 9293 §3.10.7.4 first check in SYN-RECEIVED: an unacceptable segment gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
            bool owed = _ackNow && State == TcpState.SynReceived;
            _ackNow = false;
            if (owed) segment = Build(now, _sndMax, TcpFlags.Ack, 0);
            return owed;
        }
        bool active = State == TcpState.SynSent;
        var options = new TcpOptions
        {
            MaxSegmentSize = _config.MaxSegmentSize, // RFC 9293 §3.7.1: what we can receive
            WindowScale = active ? (_config.WindowScaling ? _config.ReceiveWindowShift : null) : (_wsEnabled ? _rcvShift : null),
            SackPermitted = active ? _config.SackPermitted : _sack,
            Timestamp = (active ? _config.Timestamps : _ts) ? new TcpTimestamp(TsVal(now), active ? 0 : _tsRecent) : null,
        };
        segment = new TcpRepr
        {
            SourcePort = Local.Port,
            DestinationPort = Remote.Port,
            SequenceNumber = _iss.Value,
            AcknowledgmentNumber = active ? 0 : _rcvNxt.Value,
            Flags = active ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack,
            Window = (ushort)Math.Min(_rx.Free, ushort.MaxValue), // RFC 7323 §2.2: a SYN's window is never scaled
            Options = options,
        };
        if (!active) AfterAckSent();
        _sndNxt = _iss + 1;
        if (_sndMax == _iss)
        {
            _timing = true;
            _timedSeq = _iss + 1;
            _timedAt = now;
        }
        _sndMax = SeqNumber.Max(_sndMax, _iss + 1);
        StartRetransmitTimer(now);
        return true;
    }

    private bool TryEmitReset(out TcpRepr segment)
    {
        segment = default;
        if (!_rstPending) return false;
        _rstPending = false;
        // RFC 9293 §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>
        segment = new TcpRepr { SourcePort = Local.Port, DestinationPort = Remote.Port, SequenceNumber = _sndMax.Value, Flags = TcpFlags.Rst };
        return true;
    }

    /// <summary>A synchronized-state segment: ACK of RCV.NXT, our window (scaled, RFC 7323 §2.3), the timestamps
    /// option when agreed (RFC 7323 §3.2: on every segment), SACK blocks when out-of-order data waits (RFC 2018 §4).</summary>
    private TcpRepr Build(long now, SeqNumber seq, TcpFlags flags, int payloadLength)
    {
        var options = default(TcpOptions);
        if (_ts) options = options with { Timestamp = new TcpTimestamp(TsVal(now), _tsRecent) };
        if (_sack && !_ooo.IsEmpty) options = options with { SackBlocks = SackBlocks(_ts ? 3 : 4) };
        var segment = new TcpRepr
        {
            SourcePort = Local.Port,
            DestinationPort = Remote.Port,
            SequenceNumber = seq.Value,
            AcknowledgmentNumber = _rcvNxt.Value,
            Flags = flags,
            Window = (ushort)(AdvertisedWindowBytes() >> _rcvShift),
            Options = options,
            PayloadLength = payloadLength,
        };
        AfterAckSent();
        return segment;
    }

    /// <summary>Every segment carries an ACK: nothing more is owed (RFC 9293 §3.8.6.3: piggybacked).</summary>
    private void AfterAckSent()
    {
        _ackNow = false;
        _unackedSegments = 0;
        _delayedAckAt = Never;
        _lastAckSent = _rcvNxt;
        _advertisedRight = _rcvNxt + AdvertisedWindowBytes();
    }

    /// <summary>RFC 2018 §4: up to <paramref name="max"/> blocks; the first "MUST specify the contiguous block of
    /// data containing the segment which triggered this ACK" (the latest out-of-order arrival), the rest in order.</summary>
    private TcpSackBlocks SackBlocks(int max)
    {
        int latest = _lastOutOfOrder - _rcvNxt;
        int first = 0;
        for (int i = 0; i < _ooo.Count; i++)
        {
            if (_ooo[i].Start <= latest && latest < _ooo[i].End) first = i;
        }
        var blocks = default(TcpSackBlocks).Add(Block(first));
        for (int i = 0; i < _ooo.Count && blocks.Count < max; i++)
        {
            if (i != first) blocks = blocks.Add(Block(i));
        }
        return blocks;

        TcpSackBlock Block(int i) => new((_rcvNxt + _ooo[i].Start).Value, (_rcvNxt + _ooo[i].End).Value);
    }

    /// <summary>RFC 7323 §3.2 TSval: a millisecond clock plus a per-connection offset (§5.4, §7).</summary>
    private uint TsVal(long now) => unchecked((uint)(now / TcpConfig.Millisecond) + _tsOffset);
}
