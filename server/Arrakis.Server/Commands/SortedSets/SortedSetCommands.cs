using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZPOPMIN/MAX, ZMPOP, ZRANDMEMBER, ZSCAN, ZREMRANGEBY*.</summary>
internal static class SortedSetCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["zadd"] = c => ZAdd(c, 2, zincrby: false);
        h["zincrby"] = c => ZAdd(c, 2, zincrby: true);
        h["zrem"] = c => CollectionValues.RemoveMembers<SortedSetValue>(c, K.ZSet, "zrem");
        h["zcard"] = c =>
        {
            if (CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) c.Reply.WriteInteger(z?.Count ?? 0);
        };
        h["zscore"] = c =>
        {
            if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
            if (z is not null && z.TryGetScore(c.Arg(2), out double s)) c.Reply.WriteDouble(s);
            else c.Reply.WriteNull();
        };
        h["zmscore"] = c =>
        {
            if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
            c.Reply.WriteArrayHeader(c.ArgCount - 2);
            for (int i = 2; i < c.ArgCount; i++)
            {
                if (z is not null && z.TryGetScore(c.Arg(i), out double s)) c.Reply.WriteDouble(s);
                else c.Reply.WriteNull();
            }
        };
        h["zrank"] = c => ZRank(c, reverse: false);
        h["zrevrank"] = c => ZRank(c, reverse: true);
        h["zcount"] = ZCount;
        h["zlexcount"] = ZLexCount;
        h["zpopmin"] = c => ZPop(c, min: true);
        h["zpopmax"] = c => ZPop(c, min: false);
        h["zmpop"] = c => ZMPop(c, 1);
        h["zrandmember"] = ZRandMember;
        h["zscan"] = c => CollectionScan.Execute(c, CollectionScan.Kind.SortedSet);
        h["zremrangebyrank"] = c => ZRemRange(c, 'r');
        h["zremrangebyscore"] = c => ZRemRange(c, 's');
        h["zremrangebylex"] = c => ZRemRange(c, 'l');
        SortedSetRangeCommands.Register(h);
        SortedSetAlgebra.Register(h);
    }

    private static void ZAdd(CommandContext c, int first, bool zincrby)
    {
        bool nx = false, xx = false, ch = false, incr = zincrby, gt = false, lt = false;
        int scoreIndex = first;
        if (!zincrby)
        {
            for (; scoreIndex < c.ArgCount; scoreIndex++)
            {
                if (c.ArgIs(scoreIndex, "NX")) nx = true;
                else if (c.ArgIs(scoreIndex, "XX")) xx = true;
                else if (c.ArgIs(scoreIndex, "CH")) ch = true;
                else if (c.ArgIs(scoreIndex, "INCR")) incr = true;
                else if (c.ArgIs(scoreIndex, "GT")) gt = true;
                else if (c.ArgIs(scoreIndex, "LT")) lt = true;
                else break;
            }
        }
        int elements = c.ArgCount - scoreIndex;
        if (elements % 2 != 0 || elements == 0)
        {
            c.SyntaxError();
            return;
        }
        elements /= 2;
        if (nx && xx)
        {
            c.Error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            c.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1)
        {
            c.Error("ERR INCR option supports a single increment-element pair");
            return;
        }
        var scores = new double[elements];
        for (int j = 0; j < elements; j++)
        {
            if (!c.TryArgDouble(scoreIndex + j * 2, out scores[j])) return;
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var zset, countHits: false)) return;
        long added = 0, updated = 0, processed = 0;
        double score = 0;
        if (zset is null && !xx)
        {
            zset = new SortedSetValue();
            db.Set(key, zset);
        }
        if (zset is not null)
        {
            for (int j = 0; j < elements; j++)
            {
                score = scores[j];
                var member = c.Arg(scoreIndex + 1 + j * 2);
                if (zset.TryGetScore(member, out double current))
                {
                    if (nx) continue;
                    if (incr)
                    {
                        score += current;
                        if (double.IsNaN(score))
                        {
                            c.Error("ERR resulting score is not a number (NaN)");
                            CollectionValues.DeleteIfEmpty(db, key, zset.Count);
                            return;
                        }
                    }
                    if ((lt && score >= current) || (gt && score <= current)) continue;
                    processed++;
                    if (score != current)
                    {
                        zset.Set(member, score);
                        updated++;
                    }
                }
                else if (!xx)
                {
                    zset.Set(member, score);
                    added++;
                    processed++;
                }
            }
            if (added + updated > 0) db.Modified(key, K.ZSet, incr ? "zincr" : "zadd");
            CollectionValues.DeleteIfEmpty(db, key, zset.Count);
        }
        if (incr)
        {
            if (processed > 0) c.Reply.WriteDouble(score);
            else c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteInteger(ch ? added + updated : added);
        }
        if (added > 0) c.Server.Blocking.SignalReady(db.Index, key);
    }

    private static void ZRank(CommandContext c, bool reverse)
    {
        bool withScore = false;
        if (c.ArgCount == 4)
        {
            if (!c.ArgIs(3, "WITHSCORE"))
            {
                c.SyntaxError();
                return;
            }
            withScore = true;
        }
        else if (c.ArgCount > 4)
        {
            c.SyntaxError();
            return;
        }
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        long rank = z?.RankOf(c.Arg(2)) ?? -1;
        if (rank < 0)
        {
            if (withScore) c.Reply.WriteNullArray();
            else c.Reply.WriteNull();
            return;
        }
        if (reverse) rank = z!.Count - 1 - rank;
        if (withScore)
        {
            z!.TryGetScore(c.Arg(2), out double s);
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteInteger(rank);
            c.Reply.WriteDouble(s);
        }
        else
        {
            c.Reply.WriteInteger(rank);
        }
    }

    private static void ZCount(CommandContext c)
    {
        if (!Scores.TryParseBound(c.Arg(2), out var min) || !Scores.TryParseBound(c.Arg(3), out var max))
        {
            c.Error("ERR min or max is not a float");
            return;
        }
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        c.Reply.WriteInteger(z?.CountInScoreRange(min, max) ?? 0);
    }

    private static void ZLexCount(CommandContext c)
    {
        if (!Scores.TryParseLex(c.Arg(2), out var min) || !Scores.TryParseLex(c.Arg(3), out var max))
        {
            c.Error("ERR min or max not valid string range item");
            return;
        }
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        c.Reply.WriteInteger(z?.CountInLexRange(min, max) ?? 0);
    }

    private static void ZPop(CommandContext c, bool min)
    {
        if (c.ArgCount > 3)
        {
            c.SyntaxError();
            return;
        }
        long count = 1;
        bool hasCount = c.ArgCount == 3;
        if (hasCount && !CollectionValues.TryCount(c, 2, out count)) return;
        var db = c.Db;
        var key = c.Arg(1);
        // Redis: the key's type is checked before a count of 0 answers the empty array.
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z, countHits: false)) return;
        if (z is null || count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        var popped = PopElements(c, key, z, min, count);
        bool nested = hasCount && c.Reply.IsResp3;
        c.Reply.WriteArrayHeader(nested ? popped.Count : popped.Count * 2);
        foreach (var (m, s) in popped)
        {
            if (nested) c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(m);
            c.Reply.WriteDouble(s);
        }
    }

    /// <summary>Pops up to <paramref name="count"/> lowest (or highest) members, deleting the key when emptied.</summary>
    public static List<(byte[] Member, double Score)> PopElements(CommandContext c, ReadOnlySpan<byte> key, SortedSetValue z, bool min, long count)
    {
        var popped = new List<(byte[], double)>();
        while (popped.Count < count && z.Count > 0)
        {
            var e = z.At(min ? 0 : z.Count - 1);
            popped.Add(e);
            z.Remove(e.Member);
        }
        var db = c.Db;
        db.Modified(key, K.ZSet, min ? "zpopmin" : "zpopmax");
        CollectionValues.DeleteIfEmpty(db, key, z.Count);
        return popped;
    }

    /// <summary>ZMPOP numkeys key... MIN|MAX [COUNT n] (numkeys at <paramref name="numkeysIndex"/>).</summary>
    public static void ZMPop(CommandContext c, int numkeysIndex)
    {
        if (!MPopArgs.TryParse(c, numkeysIndex, out var a, zset: true)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            var key = c.Arg(numkeysIndex + 1 + k);
            if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z)) return;
            if (z is null) continue;
            WriteMPopped(c, key, z, a.Left, a.Count);
            return;
        }
        c.Reply.WriteNullArray();
    }

    public static void WriteMPopped(CommandContext c, ReadOnlySpan<byte> key, SortedSetValue z, bool min, long count)
    {
        var popped = PopElements(c, key, z, min, count);
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(key);
        c.Reply.WriteArrayHeader(popped.Count);
        foreach (var (m, s) in popped)
        {
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(m);
            c.Reply.WriteDouble(s);
        }
    }

    private static void ZRandMember(CommandContext c)
    {
        bool withScores = false;
        long count = 0;
        bool hasCount = c.ArgCount >= 3;
        if (hasCount)
        {
            if (!RandomPicks.TryParseCount(c, 2, out count)) return;
            if (c.ArgCount == 4)
            {
                if (!c.ArgIs(3, "WITHSCORES"))
                {
                    c.SyntaxError();
                    return;
                }
                withScores = true;
                if (!RandomPicks.CheckPairCount(c, count)) return;
            }
            else if (c.ArgCount > 4)
            {
                c.SyntaxError();
                return;
            }
        }
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        if (!hasCount)
        {
            if (z is null) c.Reply.WriteNull();
            else c.Reply.WriteBulk(z.At(Random.Shared.Next(z.Count)).Member);
            return;
        }
        if (z is null || count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (!RandomPicks.CheckRepeatReply(c, count, z.Count, i => z.At(i).Member.Length + (withScores ? 24 : 0))) return;
        var picks = RandomPicks.Choose(z.Count, count);
        bool nested = withScores && c.Reply.IsResp3;
        c.Reply.WriteArrayHeader(nested || !withScores ? picks.Count : picks.Count * 2);
        foreach (int i in picks)
        {
            var (member, score) = z.At(i);
            if (nested) c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(member);
            if (withScores) c.Reply.WriteDouble(score);
        }
    }

    private static void ZRemRange(CommandContext c, char by)
    {
        long start = 0, stop = 0;
        ScoreBound smin = default, smax = default;
        LexBound lmin = default, lmax = default;
        switch (by)
        {
            case 'r':
                if (!c.TryArgLong(2, out start) || !c.TryArgLong(3, out stop)) return;
                break;
            case 's':
                if (!Scores.TryParseBound(c.Arg(2), out smin) || !Scores.TryParseBound(c.Arg(3), out smax))
                {
                    c.Error("ERR min or max is not a float");
                    return;
                }
                break;
            default:
                if (!Scores.TryParseLex(c.Arg(2), out lmin) || !Scores.TryParseLex(c.Arg(3), out lmax))
                {
                    c.Error("ERR min or max not valid string range item");
                    return;
                }
                break;
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z, countHits: false)) return;
        if (z is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var doomed = new List<byte[]>();
        if (by == 'r')
        {
            if (CollectionValues.TryRange(start, stop, z.Count, out long from, out long to))
                doomed.AddRange(z.Walk(from, reverse: false).Take((int)(to - from + 1)).Select(e => e.Member));
        }
        else if (by == 's')
        {
            long first = z.FirstRankInScoreRange(smin, smax);
            if (first >= 0) doomed.AddRange(z.Walk(first, reverse: false).TakeWhile(e => SortedSetValue.BelowMax(e.Score, smax)).Select(e => e.Member));
        }
        else if (z.IsListpack)
        {
            long first = z.FirstRankInLexRange(lmin, lmax);
            if (first >= 0) doomed.AddRange(z.Walk(first, reverse: false).TakeWhile(e => SortedSetValue.BelowMax(e.Member, lmax)).Select(e => e.Member));
        }
        else
        {
            // Redis's zslDeleteRangeByLex checks no range up front: from the first member (in score
            // order) at or above min, it deletes while members are at or below max. With equal
            // scores that is the lex range; with mixed scores it is what Redis does (usually: its
            // search also follows random skip-list levels).
            doomed.AddRange(z.Ascending().SkipWhile(e => !SortedSetValue.AboveMin(e.Member, lmin)).TakeWhile(e => SortedSetValue.BelowMax(e.Member, lmax)).Select(e => e.Member));
        }
        foreach (var m in doomed) z.Remove(m);
        if (doomed.Count > 0)
        {
            db.Modified(key, K.ZSet, by == 'r' ? "zremrangebyrank" : by == 's' ? "zremrangebyscore" : "zremrangebylex");
            CollectionValues.DeleteIfEmpty(db, key, z.Count);
        }
        c.Reply.WriteInteger(doomed.Count);
    }
}
