namespace Arrakis.Server.Values;

/// <summary>A score bound of ZRANGEBYSCORE and friends: "(1.5" is exclusive, "-inf"/"+inf" open.</summary>
internal readonly record struct ScoreBound(double Value, bool Exclusive);

/// <summary>A lex bound of ZRANGEBYLEX: "[a" inclusive, "(a" exclusive, "-" and "+" the ends.</summary>
internal readonly record struct LexBound(byte[] Value, bool Exclusive, bool NegativeInfinity, bool PositiveInfinity);

internal sealed partial class SortedSetValue
{
    public static bool AboveMin(double score, ScoreBound min) => min.Exclusive ? score > min.Value : score >= min.Value;

    public static bool BelowMax(double score, ScoreBound max) => max.Exclusive ? score < max.Value : score <= max.Value;

    public static bool AboveMin(byte[] member, LexBound min) =>
        min.NegativeInfinity || (!min.PositiveInfinity && (min.Exclusive ? member.AsSpan().SequenceCompareTo(min.Value) > 0 : member.AsSpan().SequenceCompareTo(min.Value) >= 0));

    public static bool BelowMax(byte[] member, LexBound max) =>
        max.PositiveInfinity || (!max.NegativeInfinity && (max.Exclusive ? member.AsSpan().SequenceCompareTo(max.Value) < 0 : member.AsSpan().SequenceCompareTo(max.Value) <= 0));

    /// <summary>First node with score within the min bound (the range may still be empty).</summary>
    public Node? FirstInScoreRange(ScoreBound min)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && !AboveMin(f.Score, min)) x = f;
        }
        return x.Forward[0];
    }

    /// <summary>Last node with score within the max bound.</summary>
    public Node? LastInScoreRange(ScoreBound max)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && BelowMax(f.Score, max)) x = f;
        }
        return x == _header ? null : x;
    }

    public Node? FirstInLexRange(LexBound min)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && !AboveMin(f.Member, min)) x = f;
        }
        return x.Forward[0];
    }

    public Node? LastInLexRange(LexBound max)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && BelowMax(f.Member, max)) x = f;
        }
        return x == _header ? null : x;
    }

    /// <summary>Number of members with a score in [min, max].</summary>
    public long CountInScoreRange(ScoreBound min, ScoreBound max)
    {
        var first = FirstInScoreRange(min);
        if (first is null || !BelowMax(first.Score, max)) return 0;
        var last = LastInScoreRange(max);
        if (last is null) return 0;
        return RankOf(last.Member) - RankOf(first.Member) + 1;
    }

    public long CountInLexRange(LexBound min, LexBound max)
    {
        var first = FirstInLexRange(min);
        if (first is null || !BelowMax(first.Member, max)) return 0;
        var last = LastInLexRange(max);
        if (last is null) return 0;
        return RankOf(last.Member) - RankOf(first.Member) + 1;
    }
}
