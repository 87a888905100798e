namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples, RTO with a floor, a
/// ceiling and exponential backoff. Times in microseconds. Single-threaded, never throws.
/// </summary>
internal sealed class RttEstimator
{
    private const int AlphaShift = 3; // RFC 6298 §2.3: alpha = 1/8
    private const int BetaShift = 2;  // RFC 6298 §2.3: beta = 1/4
    private const int K = 4;

    private readonly long _min;
    private readonly long _max;
    private readonly long _granularity;
    private bool _hasSample;

    public RttEstimator(long initialRto, long minRto, long maxRto, long granularity)
    {
        _min = minRto;
        _max = Math.Max(minRto, maxRto);
        _granularity = granularity;
        BaseRto = Math.Clamp(initialRto, _min, _max); // RFC 6298 §2.1: initial RTO 1 s
        Rto = BaseRto;
    }

    /// <summary>Smoothed RTT; 0 before the first sample.</summary>
    public long Srtt { get; private set; }

    public long RttVar { get; private set; }

    /// <summary>The RTO before backoff.</summary>
    public long BaseRto { get; private set; }

    /// <summary>The current RTO, backoff included.</summary>
    public long Rto { get; private set; }

    /// <summary>Folds in an RTT sample. The caller follows Karn's algorithm (RFC 6298 §3: no samples from
    /// retransmitted segments). Resets the backoff (§5.7 allows keeping it until new data is acked; a new sample is that).</summary>
    public void Sample(long rtt)
    {
        rtt = Math.Max(0, rtt);
        if (!_hasSample)
        {
            // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2
            Srtt = rtt;
            RttVar = rtt / 2;
            _hasSample = true;
        }
        else
        {
            // RFC 6298 §2.3: RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, SRTT <- (1 - alpha) * SRTT + alpha * R'
            RttVar += (Math.Abs(Srtt - rtt) - RttVar) >> BetaShift;
            Srtt += (rtt - Srtt) >> AlphaShift;
        }
        // RFC 6298 §2.2/2.3: RTO <- SRTT + max(G, K*RTTVAR), §2.4 floor, §2.5 ceiling
        BaseRto = Math.Clamp(Srtt + Math.Max(_granularity, K * RttVar), _min, _max);
        Rto = BaseRto;
    }

    /// <summary>RFC 6298 §5.7: without a sample, RTO becomes at least <paramref name="rto"/> (within the ceiling).</summary>
    public void Reinitialize(long rto)
    {
        if (_hasSample) return;
        BaseRto = Math.Min(_max, Math.Max(BaseRto, rto));
        Rto = BaseRto;
    }

    /// <summary>RFC 6298 §5.5: the timer expired, "set RTO <- RTO * 2", up to the ceiling (§2.5).</summary>
    public void Backoff() => Rto = Math.Min(_max, Rto * 2);
}
