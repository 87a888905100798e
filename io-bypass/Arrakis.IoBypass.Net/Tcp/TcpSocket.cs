using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// One TCP connection as a state machine (RFC 9293 §3.3.2), in the smoltcp manner: the stack feeds it
/// parsed segments (<see cref="Process"/>), asks it for segments to send (<see cref="TryDispatch"/>, one per
/// call, until false) and for its next deadline (<see cref="PollAt"/>); the application moves bytes through
/// fixed rings (<see cref="Send"/>, <see cref="Receive"/>) and ends with <see cref="Close"/> or <see cref="Abort"/>.
/// Time is passed in (microseconds of an <see cref="IClock"/>); there are no threads and no allocation after
/// construction. Single-threaded: one data-plane thread owns the socket. Nothing a peer sends throws;
/// <see cref="Process"/> returns a <see cref="TcpInput"/> status. The code is split by concern into
/// partial files: this one (state and the application side), Process and Receive (input), Dispatch (output), Timers.
/// <para>
/// A stack drives it so: demultiplex each parsed segment by 4-tuple to its socket, else to a listening one;
/// <see cref="TcpInput.NotForThisSocket"/> from all of them, or <see cref="TcpInput.ResetPeer"/>, is answered with
/// <see cref="TcpReset.TryAnswer"/>; <see cref="TcpInput.Reopen"/> hands the segment to a listener. After a receive
/// burst, call <see cref="TryDispatch"/> on every socket whose <see cref="PollAt"/> is due, until false, and sleep
/// until the earliest <see cref="PollAt"/>. One socket is one connection: a listening socket becomes the connection
/// (smoltcp's model): the stack puts a new listening socket in the place of one that took a SYN.
/// </para>
/// </summary>
internal sealed partial class TcpSocket
{
    /// <summary>A deadline that never comes.</summary>
    public const long Never = long.MaxValue;

    private const ushort DefaultSendMss = 536; // RFC 9293 §3.7.1 (MUST-15): assume 536 without the option
    private const int MinSendMss = 64;         // a peer's absurdly small MSS is raised to this (our choice)

    private readonly TcpConfig _config;
    private readonly ByteRing _tx;
    private readonly ByteRing _rx;
    private readonly Reassembly _ooo;
    private readonly RttEstimator _rtt;
    private readonly NewReno _cc = new();

    // RFC 9293 §3.3.1 send sequence variables; _sndMax is the highest sequence number sent plus one
    // (SND.NXT moves back to SND.UNA on a timeout, go-back-N, while ACKs up to SND.MAX stay acceptable).
    private SeqNumber _iss, _sndUna, _sndNxt, _sndMax, _sndWl1, _sndWl2;
    private long _sndWnd;
    private long _maxSndWnd;
    private int _sendMss = DefaultSendMss;
    private byte _sndShift, _rcvShift;
    private bool _finQueued;

    // RFC 9293 §3.3.1 receive sequence variables.
    private SeqNumber _irs, _rcvNxt;
    private SeqNumber _remoteFinSeq;
    private bool _remoteFinPending;
    private bool _remoteFinReceived;
    private SeqNumber _advertisedRight;

    // Negotiated options (RFC 7323 §2-3, RFC 2018 §2).
    private bool _sack, _ts;
    private uint _tsRecent, _tsOffset;
    private SeqNumber _lastAckSent;

    private bool _passive;
    private TcpEndpoint _listenEndpoint;

    public TcpSocket(TcpConfig config)
    {
        _config = config;
        _tx = new ByteRing(config.SendBufferSize);
        _rx = new ByteRing(config.ReceiveBufferSize);
        _ooo = new Reassembly(config.ReassemblyRanges);
        _rtt = new RttEstimator(config.InitialRto, config.MinRto, config.MaxRto, config.ClockGranularity);
    }

    public TcpState State { get; private set; }

    /// <summary>Why the socket closed; <see cref="TcpCloseReason.None"/> while open or after an orderly close.</summary>
    public TcpCloseReason CloseReason { get; private set; }

    public TcpEndpoint Local { get; private set; }

    public TcpEndpoint Remote { get; private set; }

    /// <summary>The send MSS in use (peer's MSS option, minus the timestamp option when negotiated).</summary>
    public int SendMss => _sendMss;

    /// <summary>Shifts in use: applied to the peer's window field, and to ours (RFC 7323 §2.3).</summary>
    public (byte Send, byte Receive) WindowShift => (_sndShift, _rcvShift);

    public bool SackEnabled => _sack;

    public bool TimestampsEnabled => _ts;

    /// <summary>The send window the peer last advertised, scaled, in bytes.</summary>
    public long SendWindow => _sndWnd;

    /// <summary>The congestion control state (RFC 5681 / RFC 6582), for tests and statistics.</summary>
    public NewReno Congestion => _cc;

    /// <summary>The RFC 6298 estimator, for tests and statistics.</summary>
    public RttEstimator Rtt => _rtt;

    /// <summary>Segments retransmitted (timeouts and fast retransmits).</summary>
    public long Retransmissions { get; private set; }

    /// <summary>Retransmission timer expiries (RFC 6298 §5.4), zero-window probes excluded.</summary>
    public long Timeouts { get; private set; }

    /// <summary>Zero-window probes sent (RFC 9293 §3.8.6.1).</summary>
    public long WindowProbes { get; private set; }

    /// <summary>Fast retransmits (RFC 5681 §3.2) and NewReno partial-ACK retransmits (RFC 6582 §3.2 step 5).</summary>
    public long FastRetransmits { get; private set; }

    /// <summary>Bytes queued by <see cref="Send"/> and not yet acknowledged.</summary>
    public int SendQueueLength => _tx.Length;

    /// <summary>Bytes <see cref="Receive"/> would return now.</summary>
    public int ReceiveQueueLength => _rx.Length;

    /// <summary>True once the peer's FIN was received and every byte before it was read: end of stream.</summary>
    public bool IsReceiveFinished => _remoteFinReceived && _rx.Length == 0;

    /// <summary>True while <see cref="Send"/> may queue bytes (before this side closed).</summary>
    public bool CanSend => !_finQueued && State is TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait;

    /// <summary>Passive open (RFC 9293 §3.10.1): wait for a SYN to <paramref name="local"/> (an unspecified address
    /// accepts any). Only from <see cref="TcpState.Closed"/>; false otherwise.</summary>
    public bool Listen(TcpEndpoint local)
    {
        if (State != TcpState.Closed) return false;
        ResetConnectionState();
        _passive = true;
        _listenEndpoint = local;
        Local = local;
        State = TcpState.Listen;
        return true;
    }

    /// <summary>Active open (RFC 9293 §3.10.1): the next <see cref="TryDispatch"/> sends a SYN. Only from
    /// <see cref="TcpState.Closed"/>; false otherwise.</summary>
    public bool Connect(TcpEndpoint local, TcpEndpoint remote, long now)
    {
        if (State != TcpState.Closed) return false;
        ResetConnectionState();
        _passive = false;
        Local = local;
        Remote = remote;
        StartSendSequence(now);
        State = TcpState.SynSent;
        return true;
    }

    /// <summary>Queues as much of <paramref name="data"/> as the send ring holds; returns the count (0 when
    /// <see cref="CanSend"/> is false or the ring is full). RFC 9293 §3.10.2.</summary>
    public int Send(ReadOnlySpan<byte> data) => CanSend ? _tx.Enqueue(data) : 0;

    /// <summary>Copies and consumes received in-order bytes; returns the count (0 when none). RFC 9293 §3.10.3.
    /// Opening the window by enough queues a window update (RFC 9293 §3.8.6.2.2).</summary>
    public int Receive(Span<byte> destination)
    {
        int n = _rx.Dequeue(destination);
        if (n > 0 && IsSynchronized)
        {
            // RFC 9293 §3.8.6.2.2 receiver SWS avoidance: announce when the right edge moves by min(RCV.BUFF/2, Eff.snd.MSS)
            int threshold = Math.Min(_rx.Capacity / 2, _config.MaxSegmentSize);
            if ((_rcvNxt + AdvertisedWindowBytes()) - _advertisedRight >= threshold) _ackNow = true;
        }
        return n;
    }

    /// <summary>
    /// Orderly close of the send side (RFC 9293 §3.10.4): a FIN follows the queued data. LISTEN and SYN-SENT
    /// go straight to CLOSED; ESTABLISHED goes to FIN-WAIT-1 (SYN-RECEIVED too, once our SYN is acknowledged);
    /// CLOSE-WAIT to LAST-ACK.
    /// Elsewhere (already closing) nothing changes.
    /// </summary>
    public void Close()
    {
        switch (State)
        {
            case TcpState.Listen:
            case TcpState.SynSent:
                EnterClosed(TcpCloseReason.None);
                break;
            case TcpState.SynReceived:
                _finQueued = true; // RFC 9293 §3.10.4: queued until ESTABLISHED, which then goes to FIN-WAIT-1
                break;
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                break;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                break;
        }
    }

    /// <summary>RFC 9293 §3.10.5 ABORT: a synchronized connection sends RST (on the next <see cref="TryDispatch"/>)
    /// and goes to CLOSED at once.</summary>
    public void Abort()
    {
        if (IsSynchronized || State == TcpState.SynReceived) _rstPending = true;
        EnterClosed(TcpCloseReason.Aborted);
    }

    /// <summary>For tests and debug checks: null when the sequence variables are consistent, else what is wrong.</summary>
    internal string? InvariantViolation()
    {
        if (State is TcpState.Closed or TcpState.Listen) return null;
        if (_sndUna > _sndNxt) return $"SND.UNA {_sndUna} > SND.NXT {_sndNxt}";
        if (_sndNxt > _sndMax) return $"SND.NXT {_sndNxt} > SND.MAX {_sndMax}";
        if (SynUnacked && _sndUna != _iss) return "SYN unacknowledged but SND.UNA moved";
        int limit = _tx.Length + (_finQueued ? 1 : 0) + (SynUnacked ? 1 : 0);
        if (_sndMax - _sndUna > limit) return $"{_sndMax - _sndUna} bytes in flight, only {limit} queued";
        if (_rx.Length > _rx.Capacity || _tx.Length > _tx.Capacity) return "ring overflow";
        if (_ooo.Count > 0 && _ooo[_ooo.Count - 1].End > _rx.Free) return "out-of-order range past the free space";
        return null;
    }

    private bool IsSynchronized => State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2
        or TcpState.CloseWait or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait;

    /// <summary>The SYN still occupies SND.UNA (it has not been acknowledged).</summary>
    private bool SynUnacked => State is TcpState.SynSent or TcpState.SynReceived;

    /// <summary>The sequence number of the first byte in the send ring.</summary>
    private SeqNumber DataStart => SynUnacked ? _iss + 1 : _sndUna;

    /// <summary>The sequence number our FIN takes (meaningful once <see cref="_finQueued"/>).</summary>
    private SeqNumber FinSeq => DataStart + _tx.Length;

    private bool FinSent => _finQueued && _sndMax > FinSeq;

    /// <summary>RCV.WND: what the ring can take, limited to what the window field can say (RFC 7323 §2.3).</summary>
    private int ReceiveWindow => (int)Math.Min(_rx.Free, (long)ushort.MaxValue << _rcvShift);

    private int AdvertisedWindowBytes() => (ReceiveWindow >> _rcvShift) << _rcvShift;

    private void StartSendSequence(long now)
    {
        _iss = IsnGenerator.Generate(_config.IsnSecret.Span, Local, Remote, now); // RFC 6528 §3
        _tsOffset = IsnGenerator.TimestampOffset(_config.IsnSecret.Span, Local, Remote);
        _sndUna = _sndNxt = _sndMax = _iss;
        _cc.Reset(_sendMss, _iss);
    }

    private void ResetConnectionState()
    {
        _tx.Discard(_tx.Length);
        _rx.Discard(_rx.Length);
        _ooo.Clear();
        _finQueued = _remoteFinPending = _remoteFinReceived = false;
        _sack = _ts = false;
        _sndShift = _rcvShift = 0;
        _sendMss = DefaultSendMss;
        _sndWnd = _maxSndWnd = 0;
        CloseReason = TcpCloseReason.None;
        ResetTimers();
    }

    private void EnterClosed(TcpCloseReason reason)
    {
        State = TcpState.Closed;
        CloseReason = reason;
        ResetTimers();
    }
}
