using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Lists;

/// <summary>LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LREM, LTRIM, LINSERT, LPOS, LMOVE, RPOPLPUSH, LMPOP.</summary>
internal static class ListCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["lpush"] = c => Push(c, left: true, onlyExisting: false);
        h["rpush"] = c => Push(c, left: false, onlyExisting: false);
        h["lpushx"] = c => Push(c, left: true, onlyExisting: true);
        h["rpushx"] = c => Push(c, left: false, onlyExisting: true);
        h["lpop"] = c => Pop(c, left: true);
        h["rpop"] = c => Pop(c, left: false);
        h["llen"] = c =>
        {
            if (CollectionValues.TryGet<ListValue>(c, c.Db, c.Arg(1), out var l)) c.Reply.WriteInteger(l?.Count ?? 0);
        };
        h["lrange"] = LRange;
        h["lindex"] = LIndex;
        h["lset"] = LSet;
        h["lrem"] = LRem;
        h["ltrim"] = LTrim;
        h["linsert"] = LInsert;
        h["lpos"] = LPos;
        h["lmove"] = c =>
        {
            if (TryWhere(c, 3, out bool from) && TryWhere(c, 4, out bool to)) Move(c, from, to);
        };
        h["rpoplpush"] = c => Move(c, fromLeft: false, toLeft: true);
        h["lmpop"] = c => MPop(c, 1);
    }

    public static bool TryWhere(CommandContext c, int i, out bool left)
    {
        left = c.ArgIs(i, "LEFT");
        if (left || c.ArgIs(i, "RIGHT")) return true;
        c.SyntaxError();
        return false;
    }

    private static void Push(CommandContext c, bool left, bool onlyExisting)
    {
        var db = c.Db;
        var key = c.Arg(1);
        ListValue? list;
        if (onlyExisting)
        {
            if (!CollectionValues.TryGet(c, db, key, out list, countHits: false)) return;
            if (list is null)
            {
                c.Reply.WriteInteger(0);
                return;
            }
        }
        else
        {
            list = CollectionValues.GetOrCreate<ListValue>(c, db, key);
            if (list is null) return;
        }
        for (int i = 2; i < c.ArgCount; i++)
        {
            if (left) list.PushLeft(c.Arg(i));
            else list.PushRight(c.Arg(i));
        }
        db.Modified(key, K.List, left ? "lpush" : "rpush");
        c.Reply.WriteInteger(list.Count);
        c.Server.Blocking.SignalReady(db.Index, key);
    }

    private static void Pop(CommandContext c, bool left)
    {
        if (c.ArgCount > 3)
        {
            c.Error(Errors.WrongArgs(c.Command.FullName));
            return;
        }
        long count = 0;
        bool hasCount = c.ArgCount == 3;
        if (hasCount && !CollectionValues.TryCount(c, 2, out count)) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
        if (list is null)
        {
            if (hasCount) c.Reply.WriteNullArray();
            else c.Reply.WriteNull();
            return;
        }
        if (hasCount && count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (!hasCount)
        {
            ListCommands.PopTo(c, list, left);
        }
        else
        {
            long n = Math.Min(count, list.Count);
            c.Reply.WriteArrayHeader(n);
            for (long i = 0; i < n; i++) ListCommands.PopTo(c, list, left);
        }
        db.Modified(key, K.List, left ? "lpop" : "rpop");
        CollectionValues.DeleteIfEmpty(db, key, list.Count);
    }

    private static void LRange(CommandContext c)
    {
        if (!c.TryArgLong(2, out long start) || !c.TryArgLong(3, out long stop)) return;
        if (!CollectionValues.TryGet<ListValue>(c, c.Db, c.Arg(1), out var list)) return;
        if (list is null || !CollectionValues.TryRange(start, stop, list.Count, out long from, out long to))
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        c.Reply.WriteArrayHeader(to - from + 1);
        for (long i = from; i <= to; i++) c.Reply.WriteBulk(list[(int)i]);
    }

    private static void LIndex(CommandContext c)
    {
        // Redis: the key first (nil or WRONGTYPE), then the index.
        if (!CollectionValues.TryGet<ListValue>(c, c.Db, c.Arg(1), out var list)) return;
        if (list is null)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!c.TryArgLong(2, out long index)) return;
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count) c.Reply.WriteNull();
        else c.Reply.WriteBulk(list[(int)index]);
    }

    private static void LSet(CommandContext c)
    {
        var db = c.Db;
        if (!CollectionValues.TryGet<ListValue>(c, db, c.Arg(1), out var list, countHits: false)) return;
        if (list is null)
        {
            c.Error(Errors.NoSuchKey);
            return;
        }
        if (!c.TryArgLong(2, out long index)) return;
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count)
        {
            c.Error(Errors.IndexOutOfRange);
            return;
        }
        list.Set((int)index, c.Arg(3));
        db.Modified(c.Arg(1), K.List, "lset");
        c.Reply.WriteOk();
    }

    private static void LRem(CommandContext c)
    {
        if (!c.TryArgLong(2, out long count)) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list, countHits: false)) return;
        if (list is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var element = c.Arg(3);
        long removed = 0;
        if (count >= 0)
        {
            for (int i = 0; i < list.Count && (count == 0 || removed < count);)
            {
                if (element.SequenceEqual(list[i]))
                {
                    list.RemoveAt(i);
                    removed++;
                }
                else i++;
            }
        }
        else
        {
            // Redis negates the count in C: -LONG_MIN stays negative and no removal count reaches it (all go).
            long limit = count == long.MinValue ? long.MaxValue : -count;
            for (int i = list.Count - 1; i >= 0 && removed < limit; i--)
            {
                if (element.SequenceEqual(list[i]))
                {
                    list.RemoveAt(i);
                    removed++;
                }
            }
        }
        if (removed > 0)
        {
            db.Modified(key, K.List, "lrem");
            CollectionValues.DeleteIfEmpty(db, key, list.Count);
        }
        c.Reply.WriteInteger(removed);
    }

    private static void LTrim(CommandContext c)
    {
        if (!c.TryArgLong(2, out long start) || !c.TryArgLong(3, out long stop)) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list, countHits: false)) return;
        if (list is null)
        {
            c.Reply.WriteOk();
            return;
        }
        if (CollectionValues.TryRange(start, stop, list.Count, out long from, out long to)) list.Trim((int)from, (int)to);
        else list.Clear();
        db.Modified(key, K.List, "ltrim");
        CollectionValues.DeleteIfEmpty(db, key, list.Count);
        c.Reply.WriteOk();
    }

    private static void LInsert(CommandContext c)
    {
        bool before = c.ArgIs(2, "BEFORE");
        if (!before && !c.ArgIs(2, "AFTER"))
        {
            c.SyntaxError();
            return;
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list, countHits: false)) return;
        if (list is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var pivot = c.Arg(3);
        for (int i = 0; i < list.Count; i++)
        {
            if (!pivot.SequenceEqual(list[i])) continue;
            list.Insert(before ? i : i + 1, c.Arg(4));
            db.Modified(key, K.List, "linsert");
            c.Reply.WriteInteger(list.Count);
            return;
        }
        c.Reply.WriteInteger(-1);
    }

    private static void LPos(CommandContext c)
    {
        long rank = 1, count = -1, maxLen = 0;
        for (int j = 3; j < c.ArgCount; j++)
        {
            bool more = j + 1 < c.ArgCount;
            if (c.ArgIs(j, "RANK") && more)
            {
                if (!c.TryArgLong(++j, out rank)) return;
                if (rank == 0)
                {
                    c.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
            }
            else if (c.ArgIs(j, "COUNT") && more)
            {
                // Redis's getPositiveLongFromObjectOrReply: a non-integer gets the option's own message too.
                if (!RespNumber.TryParseInt64(c.Arg(++j), out count) || count < 0)
                {
                    c.Error("ERR COUNT can't be negative");
                    return;
                }
            }
            else if (c.ArgIs(j, "MAXLEN") && more)
            {
                if (!RespNumber.TryParseInt64(c.Arg(++j), out maxLen) || maxLen < 0)
                {
                    c.Error("ERR MAXLEN can't be negative");
                    return;
                }
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (!CollectionValues.TryGet<ListValue>(c, c.Db, c.Arg(1), out var list)) return;
        if (list is null)
        {
            if (count >= 0) c.Reply.WriteArrayHeader(0);
            else c.Reply.WriteNull();
            return;
        }
        var element = c.Arg(2);
        var found = new List<long>();
        long skip = rank == long.MinValue ? long.MaxValue : Math.Abs(rank) - 1, limit = count == 0 ? long.MaxValue : Math.Max(count, 1);
        int n = list.Count;
        for (long k = 0; k < n && (maxLen == 0 || k < maxLen) && found.Count < limit; k++)
        {
            int i = rank > 0 ? (int)k : n - 1 - (int)k;
            if (!element.SequenceEqual(list[i])) continue;
            if (skip > 0)
            {
                skip--;
                continue;
            }
            found.Add(i);
        }
        if (count >= 0)
        {
            c.Reply.WriteArrayHeader(found.Count);
            foreach (long f in found) c.Reply.WriteInteger(f);
        }
        else if (found.Count > 0) c.Reply.WriteInteger(found[0]);
        else c.Reply.WriteNull();
    }

    /// <summary>LMOVE / RPOPLPUSH: pops from the source end, pushes to the destination end, atomically.</summary>
    private static void Move(CommandContext c, bool fromLeft, bool toLeft)
    {
        var db = c.Db;
        var src = c.Arg(1);
        var dst = c.Arg(2);
        // Redis: a missing source answers nil before the destination's type is looked at.
        if (!CollectionValues.TryGet<ListValue>(c, db, src, out var source, countHits: false)) return;
        if (source is null)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!CollectionValues.TryGet<ListValue>(c, db, dst, out _, countHits: false)) return;
        var element = MoveElement(c, source, src, dst, fromLeft, toLeft);
        c.Reply.WriteBulk(element);
    }

    /// <summary>Replies with the element at one end and removes it (written from the list's own bytes, no copy).</summary>
    public static void PopTo(CommandContext c, ListValue list, bool left)
    {
        if (left)
        {
            c.Reply.WriteBulk(list.First);
            list.RemoveFirst();
        }
        else
        {
            c.Reply.WriteBulk(list.Last);
            list.RemoveLast();
        }
    }

    /// <summary>The move itself (also used when a blocked BLMOVE is served). The caller checked both types.</summary>
    public static byte[] MoveElement(CommandContext c, ListValue source, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, bool fromLeft, bool toLeft)
    {
        var db = c.Db;
        var element = fromLeft ? source.PopLeft() : source.PopRight();
        // Redis pushes (and notifies the push) before it notifies the pop and deletes an emptied source.
        var target = (ListValue?)db.Peek(dst);
        if (target is null)
        {
            target = new ListValue();
            db.Set(dst, target);
        }
        if (toLeft) target.PushLeft(element);
        else target.PushRight(element);
        db.Modified(dst, K.List, toLeft ? "lpush" : "rpush");
        db.Modified(src, K.List, fromLeft ? "lpop" : "rpop");
        CollectionValues.DeleteIfEmpty(db, src, source.Count);
        c.Server.Blocking.SignalReady(db.Index, dst);
        return element;
    }

    /// <summary>LMPOP numkeys key... LEFT|RIGHT [COUNT n] (numkeys at <paramref name="numkeysIndex"/>).</summary>
    public static void MPop(CommandContext c, int numkeysIndex)
    {
        if (!MPopArgs.TryParse(c, numkeysIndex, out var a)) return;
        var db = c.Db;
        for (int k = 0; k < a.NumKeys; k++)
        {
            var key = c.Arg(numkeysIndex + 1 + k);
            if (!CollectionValues.TryGet<ListValue>(c, db, key, out var list)) return;
            if (list is null) continue;
            WritePopped(c, key, list, a.Left, a.Count);
            return;
        }
        c.Reply.WriteNullArray();
    }

    /// <summary>Pops up to <paramref name="count"/> and replies [key, [elements]] (LMPOP's shape).</summary>
    public static void WritePopped(CommandContext c, ReadOnlySpan<byte> key, ListValue list, bool left, long count)
    {
        long n = Math.Min(count, list.Count);
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(key);
        c.Reply.WriteArrayHeader(n);
        for (long i = 0; i < n; i++) ListCommands.PopTo(c, list, left);
        var db = c.Db;
        db.Modified(key, K.List, left ? "lpop" : "rpop");
        CollectionValues.DeleteIfEmpty(db, key, list.Count);
    }
}
