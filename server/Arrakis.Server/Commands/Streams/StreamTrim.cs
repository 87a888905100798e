namespace Arrakis.Server.Commands.Streams;

/// <summary>A trimming request (Redis's streamAddTrimArgs after parsing).</summary>
internal struct StreamTrim
{
    public StreamTrimStrategy Strategy;
    public long MaxLen;
    public StreamId MinId;
    public bool Approx;
    /// <summary>At most this many entries removed (0: no limit).</summary>
    public long Limit;
    /// <summary>Argument index of the threshold (MAXLEN/MINID value), for rewriting the effect.</summary>
    public int ThresholdIndex;
}
