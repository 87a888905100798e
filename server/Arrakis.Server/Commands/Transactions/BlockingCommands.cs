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

    /// <summary>
    /// Redis 7.0's timeout argument (getTimeoutFromObjectOrReply): seconds as a long double, times
    /// 1000, rounded up to whole ms (so 0.0001 is 1 ms, and -0.0001 is 0: wait forever); a value that
    /// does not fit a long long (inf, 1e400) comes out negative, as the C cast makes it there.
    /// Returns the monotonic deadline (long.MaxValue for 0).
    /// </summary>
    private static bool TryTimeout(CommandContext c, int index, out long deadlineMs)
    {
        deadlineMs = long.MaxValue;
        if (!Numbers.TryParseLongDouble(c.Arg(index), out double seconds))
        {
            c.Error("ERR timeout is not a float or out of range");
            return false;
        }
        double ms = Math.Ceiling(seconds * 1000.0);
        long timeout = double.IsNaN(ms) || ms >= 9.2233720368547758e18 || ms < -9.2233720368547758e18 ? long.MinValue : (long)ms;
        if (timeout < 0)
        {
            c.Error("ERR timeout is negative");
            return false;
        }
        if (timeout > 0)
        {
            if (timeout > long.MaxValue - Runtime.ServerClock.UnixMs)
            {
                c.Error("ERR timeout is out of range");
                return false;
            }
            deadlineMs = Runtime.ServerClock.MonotonicMs + timeout;
        }
        return true;
    }

    /// <summary>While serving a blocked client, only the key that became ready is tried.</summary>
    private static bool Considered(CommandContext c, int i) => c.ServingKey is null || c.Arg(i).SequenceEqual(c.ServingKey);

    /// <summary>No data: answer at once inside EXEC (a null array, or a null bulk for BLMOVE as Redis does),
    /// stay silent while being served, else block (a timeout then answers a null array, for every command).</summary>
    private static void Wait(CommandContext c, byte[][] keys, long deadlineMs, bool nullArrayInExec, BlockedOn on)
    {
        if (c.ServingBlocked) return;
        if (c.InExec)
        {
            if (nullArrayInExec) c.Reply.WriteNullArray();
            else c.Reply.WriteNull();
            return;
        }
        var b = new BlockedClient(c.Session, c.Command, c.CopyArgs(), c.Session.Db, keys, deadlineMs, on, nullArrayOnTimeout: true);
        c.Server.Blocking.Block(b);
        c.Thread.TrackBlocked(b);
    }

    private static void BPop(CommandContext c, bool left)
    {
        if (!TryTimeout(c, c.ArgCount - 1, out long deadline)) return;
        var db = c.Db;
        for (int i = 1; i < c.ArgCount - 1; i++)
        {
            if (!Considered(c, i)) continue;
            var key = c.Arg(i);
            if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
            if (list is null) continue;
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(key);
            ListCommands.PopTo(c, list, left);
            Durability.EffectRecorder.Replace(c, left ? "LPOP"u8.ToArray() : "RPOP"u8.ToArray(), key.ToArray());
            db.Modified(key, K.List, left ? "lpop" : "rpop");
            CollectionValues.DeleteIfEmpty(db, key, list.Count);
            return;
        }
        Wait(c, Enumerable.Range(1, c.ArgCount - 2).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true, BlockedOn.List);
    }

    private static void BMove(CommandContext c, bool fromLeft, bool toLeft, int timeoutIndex)
    {
        if (!TryTimeout(c, timeoutIndex, out long deadline)) return;
        var db = c.Db;
        if (!CollectionValues.TryGet<ListValue>(c, db, c.Arg(1), out var source, countHits: false)) return;
        if (source is null)
        {
            Wait(c, [c.ArgBytes(1)], deadline, nullArrayInExec: false, BlockedOn.List);
            return;
        }
        if (!CollectionValues.TryGet<ListValue>(c, db, c.Arg(2), out _, countHits: false)) return;
        Durability.EffectRecorder.Replace(c, "LMOVE"u8.ToArray(), c.ArgBytes(1), c.ArgBytes(2), Side(fromLeft), Side(toLeft));
        c.Reply.WriteBulk(ListCommands.MoveElement(c, source, c.Arg(1), c.Arg(2), fromLeft, toLeft));
    }

    private static void BLMPop(CommandContext c)
    {
        // Redis parses numkeys, keys, LEFT/RIGHT and COUNT before the timeout.
        if (!MPopArgs.TryParse(c, 2, out var a)) return;
        if (!TryTimeout(c, 1, out long deadline)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            if (!Considered(c, 3 + k)) continue;
            var key = c.Arg(3 + k);
            if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
            if (list is null) continue;
            Durability.EffectRecorder.Replace(c, a.Left ? "LPOP"u8.ToArray() : "RPOP"u8.ToArray(), key.ToArray(), Count(a.Count));
            ListCommands.WritePopped(c, key, list, a.Left, a.Count);
            return;
        }
        Wait(c, Enumerable.Range(3, (int)a.NumKeys).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true, BlockedOn.List);
    }

    private static void BZPop(CommandContext c, bool min)
    {
        if (!TryTimeout(c, c.ArgCount - 1, out long deadline)) return;
        var db = c.Db;
        for (int i = 1; i < c.ArgCount - 1; i++)
        {
            if (!Considered(c, i)) continue;
            var key = c.Arg(i);
            if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z)) return;
            if (z is null) continue;
            Durability.EffectRecorder.Replace(c, min ? "ZPOPMIN"u8.ToArray() : "ZPOPMAX"u8.ToArray(), key.ToArray());
            var (member, score) = SortedSetCommands.PopElements(c, key, z, min, 1)[0];
            c.Reply.WriteArrayHeader(3);
            c.Reply.WriteBulk(key);
            c.Reply.WriteBulk(member);
            c.Reply.WriteDouble(score);
            return;
        }
        Wait(c, Enumerable.Range(1, c.ArgCount - 2).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true, BlockedOn.SortedSet);
    }

    private static void BZMPop(CommandContext c)
    {
        if (!MPopArgs.TryParse(c, 2, out var a, zset: true)) return;
        if (!TryTimeout(c, 1, out long deadline)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            if (!Considered(c, 3 + k)) continue;
            var key = c.Arg(3 + k);
            if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var z)) return;
            if (z is null) continue;
            Durability.EffectRecorder.Replace(c, a.Left ? "ZPOPMIN"u8.ToArray() : "ZPOPMAX"u8.ToArray(), key.ToArray(), Count(a.Count));
            SortedSetCommands.WriteMPopped(c, key, z, a.Left, a.Count);
            return;
        }
        Wait(c, Enumerable.Range(3, (int)a.NumKeys).Select(c.ArgBytes).ToArray(), deadline, nullArrayInExec: true, BlockedOn.SortedSet);
    }

    private static byte[] Side(bool left) => left ? "LEFT"u8.ToArray() : "RIGHT"u8.ToArray();

    private static byte[] Count(long count) => System.Text.Encoding.ASCII.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
