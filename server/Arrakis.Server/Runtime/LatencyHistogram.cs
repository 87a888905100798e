namespace Arrakis.Server.Runtime;

/// <summary>
/// Latencies of one command on one thread, in microseconds (INFO latencystats): log-linear buckets,
/// 16 per power of two, so a percentile is exact to within 1/16 of its value. Recording allocates
/// nothing; one writer thread, readers may see a moment-stale copy.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 16, SubBits = 4, Powers = 40;
    private readonly long[] _counts = new long[Powers * SubBuckets];

    public long Total;

    public void Record(long microseconds)
    {
        if (microseconds < 1) microseconds = 1;
        _counts[Index(microseconds)]++;
        Total++;
    }

    private static int Index(long v)
    {
        int power = 63 - (int)long.LeadingZeroCount(v);
        if (power < SubBits) return (int)v;
        int sub = (int)(v >> (power - SubBits)) & (SubBuckets - 1);
        int index = (power - SubBits + 1) * SubBuckets + sub;
        return Math.Min(index, Powers * SubBuckets - 1);
    }

    /// <summary>The largest value a bucket holds (what a percentile reports).</summary>
    private static long UpperBound(int index)
    {
        if (index < SubBuckets) return index;
        int power = index / SubBuckets + SubBits - 1;
        long sub = index % SubBuckets;
        return ((SubBuckets + sub + 1) << (power - SubBits)) - 1;
    }

    /// <summary>Adds this histogram's counts into <paramref name="into"/> (summing threads).</summary>
    public void AddTo(long[] into)
    {
        for (int i = 0; i < _counts.Length; i++) into[i] += _counts[i];
    }

    public static long[] NewCounts() => new long[Powers * SubBuckets];

    /// <summary>The value at <paramref name="percentile"/> (0-100) of summed counts.</summary>
    public static long Percentile(long[] counts, double percentile)
    {
        long total = 0;
        foreach (long c in counts) total += c;
        if (total == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return UpperBound(i);
        }
        return UpperBound(counts.Length - 1);
    }
}
