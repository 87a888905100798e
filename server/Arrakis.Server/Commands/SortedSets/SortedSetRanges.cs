namespace Arrakis.Server.Commands.SortedSets;

/// <summary>Score and lex ranges of a sorted set, as ranks, with Redis's semantics for both encodings.</summary>
internal sealed partial class SortedSetValue
{
    public static bool AboveMin(double score, ScoreBound min) => min.Exclusive ? score > min.Value : score >= min.Value;

    public static bool BelowMax(double score, ScoreBound max) => max.Exclusive ? score < max.Value : score <= max.Value;

    public static bool AboveMin(byte[] member, LexBound min) =>
        min.NegativeInfinity || (!min.PositiveInfinity && (min.Exclusive ? member.AsSpan().SequenceCompareTo(min.Value) > 0 : member.AsSpan().SequenceCompareTo(min.Value) >= 0));

    public static bool BelowMax(byte[] member, LexBound max) =>
        max.PositiveInfinity || (!max.NegativeInfinity && (max.Exclusive ? member.AsSpan().SequenceCompareTo(max.Value) < 0 : member.AsSpan().SequenceCompareTo(max.Value) <= 0));

    /// <summary>Rank of the first member with a score in [min, max], or -1.</summary>
    public long FirstRankInScoreRange(ScoreBound min, ScoreBound max)
    {
        if (_packed is not null)
        {
            long r = 0;
            foreach (var (_, s) in _packed.All())
            {
                if (AboveMin(s, min)) return BelowMax(s, max) ? r : -1;
                r++;
            }
            return -1;
        }
        var n = _list!.FirstWhereNot(f => !AboveMin(f.Score, min));
        return n is not null && BelowMax(n.Score, max) ? _list.RankOf(n.Score, n.Member) : -1;
    }

    /// <summary>Rank of the last member with a score in [min, max], or -1.</summary>
    public long LastRankInScoreRange(ScoreBound min, ScoreBound max)
    {
        if (_packed is not null)
        {
            var all = _packed.All();
            for (int r = all.Count - 1; r >= 0; r--)
            {
                if (BelowMax(all[r].Score, max)) return AboveMin(all[r].Score, min) ? r : -1;
            }
            return -1;
        }
        var n = _list!.LastWhere(f => BelowMax(f.Score, max));
        return n is not null && AboveMin(n.Score, min) ? _list.RankOf(n.Score, n.Member) : -1;
    }

    /// <summary>Redis's zslIsInLexRange: an empty range, or one that misses the extremes, has nothing in it.</summary>
    private bool IsInLexRange(LexBound min, LexBound max)
    {
        if (min.PositiveInfinity || max.NegativeInfinity) return false;
        if (!min.NegativeInfinity && !max.PositiveInfinity)
        {
            int cmp = min.Value.AsSpan().SequenceCompareTo(max.Value);
            if (cmp > 0 || (cmp == 0 && (min.Exclusive || max.Exclusive))) return false;
        }
        return Count > 0 && AboveMin(At(Count - 1).Member, min) && BelowMax(At(0).Member, max);
    }

    /// <summary>Rank of the first member in the lex range, or -1. Members are lex-ordered only when
    /// their scores are equal; otherwise the answer follows Redis's walk (a scan for listpacks, the
    /// skip-list descent for big sets).</summary>
    public long FirstRankInLexRange(LexBound min, LexBound max)
    {
        if (!IsInLexRange(min, max)) return -1;
        if (_packed is not null)
        {
            long r = 0;
            foreach (var (m, _) in _packed.All())
            {
                if (AboveMin(m, min)) return BelowMax(m, max) ? r : -1;
                r++;
            }
            return -1;
        }
        var n = _list!.FirstWhereNot(f => !AboveMin(f.Member, min));
        return n is not null && BelowMax(n.Member, max) ? _list.RankOf(n.Score, n.Member) : -1;
    }

    public long LastRankInLexRange(LexBound min, LexBound max)
    {
        if (!IsInLexRange(min, max)) return -1;
        if (_packed is not null)
        {
            var all = _packed.All();
            for (int r = all.Count - 1; r >= 0; r--)
            {
                if (BelowMax(all[r].Member, max)) return AboveMin(all[r].Member, min) ? r : -1;
            }
            return -1;
        }
        var n = _list!.LastWhere(f => BelowMax(f.Member, max));
        return n is not null && AboveMin(n.Member, min) ? _list.RankOf(n.Score, n.Member) : -1;
    }

    public long CountInScoreRange(ScoreBound min, ScoreBound max)
    {
        long first = FirstRankInScoreRange(min, max);
        if (first < 0) return 0;
        long last = LastRankInScoreRange(min, max);
        return last < 0 ? 0 : last - first + 1;
    }

    public long CountInLexRange(LexBound min, LexBound max)
    {
        long first = FirstRankInLexRange(min, max);
        if (first < 0) return 0;
        if (_packed is not null) return Walk(first, reverse: false).TakeWhile(e => BelowMax(e.Member, max)).LongCount();
        long count = Count - first;
        long last = LastRankInLexRange(min, max);
        if (last >= 0) count -= Count - 1 - last;
        return count;
    }
}
