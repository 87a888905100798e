using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
/// ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE: one parser and one evaluator, as in Redis's zrangeGenericCommand.</summary>
internal static class SortedSetRangeCommands
{
    private enum RangeType
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["zrange"] = c => Range(c, 1, store: false, RangeType.Auto, reverse: null);
        h["zrangestore"] = c => Range(c, 2, store: true, RangeType.Auto, reverse: null);
        h["zrevrange"] = c => Range(c, 1, store: false, RangeType.Rank, reverse: true);
        h["zrangebyscore"] = c => Range(c, 1, store: false, RangeType.Score, reverse: false);
        h["zrevrangebyscore"] = c => Range(c, 1, store: false, RangeType.Score, reverse: true);
        h["zrangebylex"] = c => Range(c, 1, store: false, RangeType.Lex, reverse: false);
        h["zrevrangebylex"] = c => Range(c, 1, store: false, RangeType.Lex, reverse: true);
    }

    /// <param name="keyIndex">The source key's argument; min and max follow it.</param>
    private static void Range(CommandContext c, int keyIndex, bool store, RangeType type, bool? reverse)
    {
        bool withScores = false;
        long offset = 0, limit = -1;
        bool limitGiven = false;
        for (int j = keyIndex + 3; j < c.ArgCount; j++)
        {
            int left = c.ArgCount - j - 1;
            if (!store && c.ArgIs(j, "WITHSCORES")) withScores = true;
            else if (c.ArgIs(j, "LIMIT") && left >= 2)
            {
                if (!c.TryArgLong(j + 1, out offset) || !c.TryArgLong(j + 2, out limit)) return;
                limitGiven = true;
                j += 2;
            }
            else if (reverse is null && c.ArgIs(j, "REV")) reverse = true;
            else if (type == RangeType.Auto && c.ArgIs(j, "BYLEX")) type = RangeType.Lex;
            else if (type == RangeType.Auto && c.ArgIs(j, "BYSCORE")) type = RangeType.Score;
            else
            {
                c.SyntaxError();
                return;
            }
        }
        bool rev = reverse ?? false;
        if (type == RangeType.Auto) type = RangeType.Rank;
        if (limitGiven && limit != -1 && type == RangeType.Rank) // Redis checks opt_limit != -1: LIMIT x -1 is no limit
        {
            c.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == RangeType.Lex)
        {
            c.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        int minIndex = keyIndex + 1, maxIndex = keyIndex + 2;
        if (rev && type is RangeType.Score or RangeType.Lex) (minIndex, maxIndex) = (maxIndex, minIndex);
        long start = 0, end = 0;
        ScoreBound smin = default, smax = default;
        LexBound lmin = default, lmax = default;
        switch (type)
        {
            case RangeType.Rank:
                if (!c.TryArgLong(minIndex, out start) || !c.TryArgLong(maxIndex, out end)) return;
                break;
            case RangeType.Score:
                if (!Scores.TryParseBound(c.Arg(minIndex), out smin) || !Scores.TryParseBound(c.Arg(maxIndex), out smax))
                {
                    c.Error("ERR min or max is not a float");
                    return;
                }
                break;
            default:
                if (!Scores.TryParseLex(c.Arg(minIndex), out lmin) || !Scores.TryParseLex(c.Arg(maxIndex), out lmax))
                {
                    c.Error("ERR min or max not valid string range item");
                    return;
                }
                break;
        }
        var db = c.Db;
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, c.Arg(keyIndex), out var z)) return;
        var result = new List<(byte[] Member, double Score)>();
        if (z is not null)
        {
            switch (type)
            {
                case RangeType.Rank:
                    ByRank(z, start, end, rev, result);
                    break;
                case RangeType.Score:
                    ByScore(z, smin, smax, rev, offset, limit, result);
                    break;
                default:
                    ByLex(z, lmin, lmax, rev, offset, limit, result);
                    break;
            }
        }
        if (store)
        {
            var dst = c.Arg(1);
            if (result.Count == 0) { if (db.Delete(dst)) db.Notify(K.Generic, "del", dst); }
            else
            {
                var built = new SortedSetValue();
                foreach (var (m, sc) in result) built.Set(m, sc);
                built.SetEncodingForNewSet();
                db.Set(dst, built);
                db.Notify(K.ZSet, "zrangestore", dst);
            }
            c.Reply.WriteInteger(result.Count);
            return;
        }
        WriteRange(c, result, withScores);
    }

    /// <summary>Members (and scores): RESP3 nests [member, score] pairs, RESP2 flattens them.</summary>
    public static void WriteRange(CommandContext c, List<(byte[] Member, double Score)> items, bool withScores)
    {
        bool nested = withScores && c.Reply.IsResp3;
        c.Reply.WriteArrayHeader(withScores && !nested ? items.Count * 2 : items.Count);
        foreach (var (m, s) in items)
        {
            if (nested) c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(m);
            if (withScores) c.Reply.WriteDouble(s);
        }
    }

    private static void ByRank(SortedSetValue z, long start, long end, bool rev, List<(byte[] Member, double Score)> result)
    {
        long length = z.Count;
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (start > end || start >= length) return;
        if (end >= length) end = length - 1;
        result.AddRange(z.Walk(rev ? length - 1 - start : start, rev).Take((int)(end - start + 1)));
    }

    private static void ByScore(SortedSetValue z, ScoreBound min, ScoreBound max, bool rev, long offset, long limit, List<(byte[] Member, double Score)> result)
    {
        if (offset < 0 || (offset > 0 && offset >= z.Count)) return; // Redis: a negative offset skips "forever"
        long first = rev ? z.LastRankInScoreRange(min, max) : z.FirstRankInScoreRange(min, max);
        if (first < 0) return;
        var run = z.Walk(first, rev).Skip((int)Math.Min(offset, int.MaxValue)).TakeWhile(e => rev ? SortedSetValue.AboveMin(e.Score, min) : SortedSetValue.BelowMax(e.Score, max));
        result.AddRange(limit < 0 ? run : run.Take((int)Math.Min(limit, int.MaxValue)));
    }

    private static void ByLex(SortedSetValue z, LexBound min, LexBound max, bool rev, long offset, long limit, List<(byte[] Member, double Score)> result)
    {
        if (offset < 0 || (offset > 0 && offset >= z.Count)) return;
        long first = rev ? z.LastRankInLexRange(min, max) : z.FirstRankInLexRange(min, max);
        if (first < 0) return;
        var run = z.Walk(first, rev).Skip((int)Math.Min(offset, int.MaxValue)).TakeWhile(e => rev ? SortedSetValue.AboveMin(e.Member, min) : SortedSetValue.BelowMax(e.Member, max));
        result.AddRange(limit < 0 ? run : run.Take((int)Math.Min(limit, int.MaxValue)));
    }
}
