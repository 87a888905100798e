namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// Congestion control of RFC 5681 (slow start, congestion avoidance, fast retransmit/fast recovery) with
/// the NewReno modification of RFC 6582 for partial acknowledgments. Sizes in bytes. The socket calls
/// it on each ACK and timeout and asks it what to retransmit; it holds no buffers. Single-threaded.
/// </summary>
internal sealed class NewReno
{
    private const int DupAckThreshold = 3; // RFC 5681 §3.2: "the third duplicate ACK"

    private int _mss;
    private long _bytesAckedInCa;

    /// <summary>Congestion window.</summary>
    public long Cwnd { get; private set; }

    /// <summary>Slow start threshold; RFC 5681 §3.1: "SHOULD be set arbitrarily high" at first.</summary>
    public long Ssthresh { get; private set; } = int.MaxValue;

    /// <summary>Consecutive duplicate ACKs (RFC 5681 §2 definition, checked by the caller).</summary>
    public int DupAcks { get; private set; }

    /// <summary>In fast recovery until an ACK covers <see cref="Recover"/> (RFC 6582 §3.2).</summary>
    public bool InRecovery { get; private set; }

    /// <summary>RFC 6582 §3.2 "recover", stored one past it: SND.MAX when recovery (or the last timeout) began.</summary>
    public SeqNumber Recover { get; private set; }

    /// <summary>Starts with the initial window of RFC 5681 §3.1 (equation 1) for the send MSS.</summary>
    public void Reset(int mss, SeqNumber iss)
    {
        _mss = Math.Max(1, mss);
        Cwnd = _mss > 2190 ? 2 * _mss : _mss > 1095 ? 3 * _mss : 4 * _mss;
        Recover = iss; // RFC 6582 §3.2 step 1 initial value
        DupAcks = 0;
        InRecovery = false;
    }

    /// <summary>
    /// An ACK advanced SND.UNA by <paramref name="acked"/> bytes to <paramref name="ack"/>; <paramref name="flight"/>
    /// is what remains outstanding. Returns true when a partial ACK in recovery asks to retransmit the first
    /// unacknowledged segment (RFC 6582 §3.2 step 5).
    /// </summary>
    public bool OnNewAck(SeqNumber ack, int acked, long flight)
    {
        DupAcks = 0;
        if (InRecovery)
        {
            if (ack >= Recover)
            {
                // RFC 6582 §3.2 step 3 (full acknowledgment), option 1: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
                Cwnd = Math.Min(Ssthresh, Math.Max(flight, _mss) + _mss);
                InRecovery = false;
                return false;
            }
            // RFC 6582 §3.2 step 5 (partial acknowledgment): deflate by the amount acked, add back one SMSS
            // if that was at least one SMSS, retransmit the first unacknowledged segment.
            Cwnd = Math.Max(_mss, Cwnd - acked + (acked >= _mss ? _mss : 0));
            return true;
        }
        if (Cwnd < Ssthresh)
        {
            Cwnd += Math.Min(acked, _mss); // RFC 5681 §3.1 equation 2 (with RFC 3465 L = 1 SMSS)
        }
        else
        {
            // RFC 5681 §3.1: congestion avoidance, one SMSS per RTT (counting bytes acked, equation 3's intent)
            _bytesAckedInCa += acked;
            if (_bytesAckedInCa >= Cwnd)
            {
                _bytesAckedInCa -= Cwnd;
                Cwnd += _mss;
            }
        }
        return false;
    }

    /// <summary>A duplicate ACK (RFC 5681 §2). Returns true on the one that starts fast retransmit
    /// (RFC 5681 §3.2 step 2; RFC 6582 §3.2 step 2: only when the ACK covers more than recover).</summary>
    public bool OnDuplicateAck(SeqNumber ack, SeqNumber highestSent, long flight)
    {
        DupAcks++;
        if (InRecovery)
        {
            Cwnd += _mss; // RFC 5681 §3.2 step 4: inflate by SMSS for each further duplicate
            return false;
        }
        if (DupAcks != DupAckThreshold) return false;
        if (ack < Recover) return false; // RFC 6582 §3.2 step 2: the ACK must cover more than recover (Recover is one past it)
        Ssthresh = Math.Max(flight / 2, 2L * _mss); // RFC 5681 §3.2 step 2, equation 4
        Recover = highestSent;                      // RFC 6582 §3.2 step 2
        Cwnd = Ssthresh + 3L * _mss;                // RFC 5681 §3.2 step 3
        InRecovery = true;
        return true;
    }

    /// <summary>The retransmission timer expired (RFC 5681 §3.1 equation 4 and "cwnd MUST be set to no more than
    /// the loss window, LW, which equals 1 full-sized segment"); RFC 6582 §4: recover = highest sent.</summary>
    public void OnTimeout(long flight, SeqNumber highestSent)
    {
        Ssthresh = Math.Max(flight / 2, 2L * _mss);
        Cwnd = _mss;
        DupAcks = 0;
        InRecovery = false;
        Recover = highestSent;
        _bytesAckedInCa = 0;
    }
}
