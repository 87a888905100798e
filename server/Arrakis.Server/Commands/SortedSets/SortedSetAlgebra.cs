using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>ZUNION, ZINTER, ZDIFF, their STORE forms (WEIGHTS, AGGREGATE, WITHSCORES) and ZINTERCARD; plain sets count as score 1.</summary>
internal static class SortedSetAlgebra
{
    private enum Op
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["zunion"] = c => Compute(c, Op.Union, numkeysIndex: 1, store: false, cardinality: false);
        h["zinter"] = c => Compute(c, Op.Inter, numkeysIndex: 1, store: false, cardinality: false);
        h["zdiff"] = c => Compute(c, Op.Diff, numkeysIndex: 1, store: false, cardinality: false);
        h["zunionstore"] = c => Compute(c, Op.Union, numkeysIndex: 2, store: true, cardinality: false);
        h["zinterstore"] = c => Compute(c, Op.Inter, numkeysIndex: 2, store: true, cardinality: false);
        h["zdiffstore"] = c => Compute(c, Op.Diff, numkeysIndex: 2, store: true, cardinality: false);
        h["zintercard"] = c => Compute(c, Op.Inter, numkeysIndex: 1, store: false, cardinality: true);
    }

    private static void Compute(CommandContext c, Op op, int numkeysIndex, bool store, bool cardinality)
    {
        if (!c.TryArgLong(numkeysIndex, out long setnum)) return;
        if (setnum < 1)
        {
            c.Error($"ERR at least 1 input key is needed for '{c.Command.FullName}' command");
            return;
        }
        if (setnum > c.ArgCount - (numkeysIndex + 1))
        {
            c.Error(Errors.Syntax);
            return;
        }
        var db = c.Db;
        var inputs = new List<IReadOnlyList<(byte[] Member, double Score)>?>();
        int j = numkeysIndex + 1;
        for (int i = 0; i < setnum; i++, j++)
        {
            object? o = db.Get(c.Arg(j));
            switch (o)
            {
                case null: inputs.Add(null); break;
                case SortedSetValue z: inputs.Add(z.Ascending().ToList()); break;
                case SetValue s: inputs.Add(s.Members.Select(m => (m, 1.0)).ToList()); break;
                default:
                    c.WrongType();
                    return;
            }
        }
        var weights = Enumerable.Repeat(1.0, (int)setnum).ToArray();
        var aggregate = Aggregate.Sum;
        bool withScores = false;
        long limit = 0;
        while (j < c.ArgCount)
        {
            int remaining = c.ArgCount - j;
            if (op != Op.Diff && !cardinality && remaining >= setnum + 1 && c.ArgIs(j, "WEIGHTS"))
            {
                j++;
                for (int i = 0; i < setnum; i++, j++)
                {
                    if (!Numbers.TryParseDouble(c.Arg(j), out weights[i]))
                    {
                        c.Error("ERR weight value is not a float");
                        return;
                    }
                }
            }
            else if (op != Op.Diff && !cardinality && remaining >= 2 && c.ArgIs(j, "AGGREGATE"))
            {
                j++;
                if (c.ArgIs(j, "SUM")) aggregate = Aggregate.Sum;
                else if (c.ArgIs(j, "MIN")) aggregate = Aggregate.Min;
                else if (c.ArgIs(j, "MAX")) aggregate = Aggregate.Max;
                else
                {
                    c.SyntaxError();
                    return;
                }
                j++;
            }
            else if (!store && !cardinality && c.ArgIs(j, "WITHSCORES"))
            {
                j++;
                withScores = true;
            }
            else if (cardinality && remaining >= 2 && c.ArgIs(j, "LIMIT"))
            {
                if (!Protocol.RespNumber.TryParseInt64(c.Arg(j + 1), out limit) || limit < 0)
                {
                    c.Error("ERR LIMIT can't be negative");
                    return;
                }
                j += 2;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var result = Evaluate(op, inputs, weights, aggregate);
        if (cardinality)
        {
            c.Reply.WriteInteger(limit > 0 ? Math.Min(limit, result.Count) : result.Count);
            return;
        }
        var sorted = result.Select(kv => (kv.Key, kv.Value)).OrderBy(x => x.Value).ThenBy(x => x.Key, ByteArrayComparer.Instance).ToList();
        if (!store)
        {
            SortedSetRangeCommands.WriteRange(c, sorted, withScores);
            return;
        }
        var dst = c.Arg(1);
        if (sorted.Count == 0) { if (db.Delete(dst)) db.Notify(K.Generic, "del", dst); }
        else
        {
            var built = new SortedSetValue();
            foreach (var (m, s) in sorted) built.Set(m, s);
            built.SetEncodingForNewSet();
            db.Set(dst, built);
            db.Notify(K.ZSet, c.Command.FullName, dst);
        }
        c.Reply.WriteInteger(sorted.Count);
    }

    private static Dictionary<byte[], double> Evaluate(Op op, List<IReadOnlyList<(byte[] Member, double Score)>?> inputs, double[] weights, Aggregate aggregate)
    {
        var result = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        static double Weighted(double score, double weight)
        {
            double v = score * weight;
            return double.IsNaN(v) ? 0 : v;
        }
        double Combine(double a, double b)
        {
            switch (aggregate)
            {
                case Aggregate.Min: return Math.Min(a, b);
                case Aggregate.Max: return Math.Max(a, b);
                default:
                    double s = a + b;
                    return double.IsNaN(s) ? 0 : s;
            }
        }
        switch (op)
        {
            case Op.Union:
                for (int i = 0; i < inputs.Count; i++)
                {
                    if (inputs[i] is null) continue;
                    foreach (var (m, s) in inputs[i]!)
                    {
                        double v = Weighted(s, weights[i]);
                        result[m] = result.TryGetValue(m, out double cur) ? Combine(cur, v) : v;
                    }
                }
                break;
            case Op.Inter:
            {
                if (inputs.Any(x => x is null || x.Count == 0)) break;
                var order = Enumerable.Range(0, inputs.Count).OrderBy(i => inputs[i]!.Count).ToArray();
                var lookups = inputs.Select(x => x!.ToDictionary(e => e.Member, e => e.Score, ByteArrayComparer.Instance)).ToArray();
                foreach (var (m, s) in inputs[order[0]]!)
                {
                    double acc = Weighted(s, weights[order[0]]);
                    bool all = true;
                    for (int k = 1; k < order.Length && all; k++)
                    {
                        if (lookups[order[k]].TryGetValue(m, out double other)) acc = Combine(acc, Weighted(other, weights[order[k]]));
                        else all = false;
                    }
                    if (all) result[m] = acc;
                }
                break;
            }
            default:
            {
                if (inputs[0] is null) break;
                var others = inputs.Skip(1).Where(x => x is not null).Select(x => x!.Select(e => e.Member).ToHashSet(ByteArrayComparer.Instance)).ToList();
                foreach (var (m, s) in inputs[0]!)
                {
                    if (!others.Any(o => o.Contains(m))) result[m] = s;
                }
                break;
            }
        }
        return result;
    }
}
