namespace Arrakis.Server.Commands.SortedSets;

/// <summary>Score and lex ranges of a sorted set, as ranks, with Redis's semantics for both encodings.</summary>
internal sealed partial class SortedSetValue
{
    public static bool AboveMin(double score, ScoreBound min) => min.Exclusive ? score > min.Value : score >= min.Value;

    public static bool BelowMax(double score, ScoreBound max) => max.Exclusive ? score < max.Value : score <= max.Value;

    public static bool AboveMin(ReadOnlySpan<byte> member, LexBound min) =>
        min.NegativeInfinity || (!min.PositiveInfinity && (min.Exclusive ? member.SequenceCompareTo(min.Value) > 0 : member.SequenceCompareTo(min.Value) >= 0));

    public static bool BelowMax(ReadOnlySpan<byte> member, LexBound max) =>
        max.PositiveInfinity || (!max.NegativeInfinity && (max.Exclusive ? member.SequenceCompareTo(max.Value) < 0 : member.SequenceCompareTo(max.Value) <= 0));

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
        int n = _list!.FirstWhereNot((score, _) => !AboveMin(score, min));
        return n != SkipList.None && BelowMax(_list.Score(n), max) ? _list.RankOf(n) : -1;
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
        int n = _list!.LastWhere((score, _) => BelowMax(score, max));
        return n != SkipList.None && AboveMin(_list.Score(n), min) ? _list.RankOf(n) : -1;
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
        int n = _list!.FirstWhereNot((_, member) => !AboveMin(member, min));
        return n != SkipList.None && BelowMax(_list.Member(n), max) ? _list.RankOf(n) : -1;
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
        int n = _list!.LastWhere((_, member) => BelowMax(member, max));
        return n != SkipList.None && AboveMin(_list.Member(n), min) ? _list.RankOf(n) : -1;
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
