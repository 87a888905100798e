using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP. With data they answer at
/// once; without, the client waits (no thread held) in the <see cref="BlockingRegistry"/> until a
/// push serves it, its timeout passes, CLIENT UNBLOCK, or it disconnects. Inside EXEC they never wait.
/// </summary>
internal static class BlockingCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["blpop"] = c => BPop(c, left: true);
        h["brpop"] = c => BPop(c, left: false);
        h["blmove"] = c =>
        {
            if (ListCommands.TryWhere(c, 3, out bool from) && ListCommands.TryWhere(c, 4, out bool to)) BMove(c, from, to, timeoutIndex: 5);
        };
        h["brpoplpush"] = c => BMove(c, fromLeft: false, toLeft: true, timeoutIndex: 3);
        h["blmpop"] = BLMPop;
        h["bzpopmin"] = c => BZPop(c, min: true);
        h["bzpopmax"] = c => BZPop(c, min: false);
        h["bzmpop"] = BZMPop;
    }

    /// <summary>Redis's timeout argument: seconds as a float; returns the monotonic deadline (long.MaxValue for 0).</summary>
    private static bool TryTimeout(CommandContext c, int index, out long deadlineMs)
    {
        deadlineMs = long.MaxValue;
        if (!Numbers.TryParseDouble(c.Arg(index), out double seconds) || double.IsInfinity(seconds))
        {
            c.Error("ERR timeout is not a float or out of range");
            return false;
        }
        long ms = (long)(seconds * 1000.0);
        if (ms < 0)
        {
            c.Error("ERR timeout is negative");
            return false;
        }
        if (ms > 0)
        {
            if (ms > long.MaxValue / 2)
            {
                c.Error("ERR timeout is out of range");
                return false;
            }
            deadlineMs = Runtime.ServerClock.MonotonicMs + ms;
        }
        return true;
    }

    /// <summary>No data: answer at once inside EXEC (a null array, or a null bulk for BLMOVE as Redis does),
    /// stay silent while being served, else block (a timeout then answers a null array, for every command).</summary>
    private static void Wait(CommandContext c, byte[][] keys, long deadlineMs, bool nullArrayInExec)
    {
        if (c.ServingBlocked) return;
        if (c.InExec)
        {
            if (nullArrayInExec) c.Reply.WriteNullArray();
            else c.Reply.WriteNull();
            return;
        }
        var b = new BlockedClient(c.Session, c.Command, c.CopyArgs(), c.Session.Db, keys, deadlineMs, nullArrayOnTimeout: true);
        c.Server.Blocking.Block(b);
        c.Thread.TrackBlocked(b);
    }

    private static void BPop(CommandContext c, bool left)
    {
        if (!TryTimeout(c, c.ArgCount - 1, out long deadline)) return;
        var db = c.Db;
        for (int i = 1; i < c.ArgCount - 1; i++)
        {
            var key = c.Arg(i);
            if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
            if (list is null) continue;
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(key);
            c.Reply.WriteBulk(left ? list.PopLeft() : list.PopRight());
            db.Modified(key, K.List, left ? "lpop" : "rpop");
            CollectionValues.DeleteIfEmpty(db, key, list.Count);
            return;
        }
        Wait(c, Enumerable.Range(1, c.ArgCount - 2).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true);
    }

    private static void BMove(CommandContext c, bool fromLeft, bool toLeft, int timeoutIndex)
    {
        if (!TryTimeout(c, timeoutIndex, out long deadline)) return;
        var db = c.Db;
        if (!CollectionValues.TryGet<ListValue>(c, db, c.Arg(1), out var source, countHits: false)) return;
        if (source is null)
        {
            Wait(c, [c.ArgBytes(1)], deadline, nullArrayInExec: false);
            return;
        }
        if (!CollectionValues.TryGet<ListValue>(c, db, c.Arg(2), out _, countHits: false)) return;
        c.Reply.WriteBulk(ListCommands.MoveElement(c, source, c.Arg(1), c.Arg(2), fromLeft, toLeft));
    }

    private static void BLMPop(CommandContext c)
    {
        if (!TryTimeout(c, 1, out long deadline)) return;
        if (!MPopArgs.TryParse(c, 2, out var a)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            var key = c.Arg(3 + k);
            if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
            if (list is null) continue;
            ListCommands.WritePopped(c, key, list, a.Left, a.Count);
            return;
        }
        Wait(c, Enumerable.Range(3, (int)a.NumKeys).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true);
    }

    private static void BZPop(CommandContext c, bool min)
    {
        if (!TryTimeout(c, c.ArgCount - 1, out long deadline)) return;
        var db = c.Db;
        for (int i = 1; i < c.ArgCount - 1; i++)
        {
            var key = c.Arg(i);
            if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z)) return;
            if (z is null) continue;
            var (member, score) = SortedSetCommands.PopElements(c, key, z, min, 1)[0];
            c.Reply.WriteArrayHeader(3);
            c.Reply.WriteBulk(key);
            c.Reply.WriteBulk(member);
            c.Reply.WriteDouble(score);
            return;
        }
        Wait(c, Enumerable.Range(1, c.ArgCount - 2).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true);
    }

    private static void BZMPop(CommandContext c)
    {
        if (!TryTimeout(c, 1, out long deadline)) return;
        if (!MPopArgs.TryParse(c, 2, out var a, zset: true)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            var key = c.Arg(3 + k);
            if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z)) return;
            if (z is null) continue;
            SortedSetCommands.WriteMPopped(c, key, z, a.Left, a.Count);
            return;
        }
        Wait(c, Enumerable.Range(3, (int)a.NumKeys).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true);
    }
}
