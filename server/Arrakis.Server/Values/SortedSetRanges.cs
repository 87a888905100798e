namespace Arrakis.Server.Values;

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

    /// <summary>Redis's zslIsInLexRange: an empty range, or one that misses the extremes, has nothing in it.</summary>
    private bool IsInLexRange(LexBound min, LexBound max)
    {
        if (!min.NegativeInfinity && !max.PositiveInfinity)
        {
            if (min.PositiveInfinity || max.NegativeInfinity) return false;
            int cmp = min.Value.AsSpan().SequenceCompareTo(max.Value);
            if (cmp > 0 || (cmp == 0 && (min.Exclusive || max.Exclusive))) return false;
        }
        else if (min.PositiveInfinity || max.NegativeInfinity)
        {
            return false;
        }
        return _tail is not null && AboveMin(_tail.Member, min) && First is { } head && BelowMax(head.Member, max);
    }

    /// <summary>First member within the lex range. Members are only lex-ordered when their scores are equal;
    /// otherwise the answer follows Redis's walk: a scan from the head for small sets, the skip list for big ones.</summary>
    public Node? FirstInLexRange(LexBound min, LexBound max)
    {
        if (!IsInLexRange(min, max)) return null;
        if (IsListpack)
        {
            for (var n = First; n is not null; n = n.Forward[0])
            {
                if (AboveMin(n.Member, min)) return BelowMax(n.Member, max) ? n : null;
            }
            return null;
        }
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && !AboveMin(f.Member, min)) x = f;
        }
        var first = x.Forward[0];
        return first is not null && BelowMax(first.Member, max) ? first : null;
    }

    public Node? LastInLexRange(LexBound min, LexBound max)
    {
        if (!IsInLexRange(min, max)) return null;
        if (IsListpack)
        {
            for (var n = _tail; n is not null; n = n.Backward)
            {
                if (BelowMax(n.Member, max)) return AboveMin(n.Member, min) ? n : null;
            }
            return null;
        }
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && BelowMax(f.Member, max)) x = f;
        }
        return x != _header && AboveMin(x.Member, min) ? x : null;
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
        var first = FirstInLexRange(min, max);
        if (first is null) return 0;
        if (IsListpack)
        {
            long n = 0;
            for (var x = first; x is not null && BelowMax(x.Member, max); x = x.Forward[0]) n++;
            return n;
        }
        long count = Count - RankOf(first.Member);
        var last = LastInLexRange(min, max);
        if (last is not null) count -= Count - 1 - RankOf(last.Member);
        return count;
    }
}
