using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.Sets;

/// <summary>SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE.</summary>
internal static class SetAlgebra
{
    private enum Op
    {
        Inter,
        Union,
        Diff,
    }

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["sinter"] = c => Compute(c, Op.Inter, first: 1, store: false);
        h["sunion"] = c => Compute(c, Op.Union, first: 1, store: false);
        h["sdiff"] = c => Compute(c, Op.Diff, first: 1, store: false);
        h["sinterstore"] = c => Compute(c, Op.Inter, first: 2, store: true);
        h["sunionstore"] = c => Compute(c, Op.Union, first: 2, store: true);
        h["sdiffstore"] = c => Compute(c, Op.Diff, first: 2, store: true);
        h["sintercard"] = InterCard;
    }

    /// <summary>Loads the sets named by arguments [first, last); null after WRONGTYPE. Missing keys are empty sets (null entries).</summary>
    private static List<SetValue?>? Load(CommandContext c, int first, int last)
    {
        var db = c.Db;
        var sets = new List<SetValue?>();
        for (int i = first; i < last; i++)
        {
            if (!CollectionValues.TryGet<SetValue>(c, db, c.Arg(i), out var s)) return null;
            sets.Add(s);
        }
        return sets;
    }

    private static List<byte[]> Evaluate(Op op, List<SetValue?> sets, long limit = 0)
    {
        var result = new List<byte[]>();
        switch (op)
        {
            case Op.Inter:
            {
                if (sets.Any(s => s is null)) return result;
                var ordered = sets.OrderBy(s => s!.Count).ToList();
                foreach (var m in ordered[0]!.Members)
                {
                    if (ordered.Skip(1).All(s => s!.Contains(m)))
                    {
                        result.Add(m);
                        if (limit > 0 && result.Count >= limit) break;
                    }
                }
                return result;
            }
            case Op.Union:
            {
                var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
                foreach (var s in sets)
                {
                    if (s is null) continue;
                    foreach (var m in s.Members)
                    {
                        if (seen.Add(m)) result.Add(m);
                    }
                }
                return result;
            }
            default:
            {
                if (sets[0] is null) return result;
                foreach (var m in sets[0]!.Members)
                {
                    if (!sets.Skip(1).Any(s => s is not null && s.Contains(m))) result.Add(m);
                }
                return result;
            }
        }
    }

    private static void Compute(CommandContext c, Op op, int first, bool store)
    {
        var sets = Load(c, first, c.ArgCount);
        if (sets is null) return;
        var members = Evaluate(op, sets);
        // Redis builds the result as a set, so its order is the result set's (ascending for an intset).
        var built = SetValue.From(members);
        if (!store)
        {
            SetCommands.WriteSet(c, built.Members.ToList());
            return;
        }
        var db = c.Db;
        var dst = c.Arg(1);
        if (built.Count == 0) { if (db.Delete(dst)) db.Notify(K.Generic, "del", dst); }
        else { db.Set(dst, built); db.Notify(K.Set, c.Command.FullName, dst); }
        c.Reply.WriteInteger(built.Count);
    }

    private static void InterCard(CommandContext c)
    {
        if (!Protocol.RespNumber.TryParseInt64(c.Arg(1), out long numKeys) || numKeys < 1)
        {
            c.Error("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys > c.ArgCount - 2)
        {
            c.Error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int)numKeys; j < c.ArgCount; j++)
        {
            if (c.ArgIs(j, "LIMIT") && j + 1 < c.ArgCount)
            {
                if (!Protocol.RespNumber.TryParseInt64(c.Arg(++j), out limit) || limit < 0)
                {
                    c.Error("ERR LIMIT can't be negative");
                    return;
                }
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var sets = Load(c, 2, 2 + (int)numKeys);
        if (sets is null) return;
        c.Reply.WriteInteger(Evaluate(Op.Inter, sets, limit).Count);
    }
}
