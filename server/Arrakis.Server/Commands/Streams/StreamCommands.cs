using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Server.Durability;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XADD, XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID as Redis 7.0 runs them.</summary>
internal static class StreamCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["xadd"] = XAdd;
        h["xtrim"] = XTrim;
        h["xdel"] = XDel;
        h["xlen"] = c =>
        {
            if (CollectionValues.TryGet<StreamValue>(c, c.Db, c.Arg(1), out var s)) c.Reply.WriteInteger(s?.Length ?? 0);
        };
        h["xrange"] = c => XRange(c, reverse: false);
        h["xrevrange"] = c => XRange(c, reverse: true);
        h["xsetid"] = XSetId;
        StreamReadCommands.Register(h);
        StreamGroupCommands.Register(h);
        StreamClaimCommands.Register(h);
        StreamInfoCommands.Register(h);
    }

    private static void XAdd(CommandContext c)
    {
        int idPos = StreamArgs.TryAddOrTrimArgs(c, xadd: true, out var trim, out bool noMk, out var explicitId, out bool seqGiven);
        if (idPos < 0) return;
        int fieldPos = idPos + 1;
        if (c.ArgCount - fieldPos < 2 || (c.ArgCount - fieldPos) % 2 == 1)
        {
            c.Error(Errors.WrongArgs("xadd"));
            return;
        }
        if (explicitId is { IsZero: true } && seqGiven)
        {
            c.Error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s, countHits: false)) return;
        bool created = false;
        if (s is null)
        {
            if (noMk)
            {
                c.Reply.WriteNull();
                return;
            }
            s = new StreamValue();
            created = true;
        }
        if (s.LastId == StreamId.Max)
        {
            c.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        var result = s.TryAppend(new ArgFields(c, fieldPos), explicitId, seqGiven, c.NowMs, out var id);
        if (result != StreamValue.AppendResult.Ok)
        {
            c.Error(result == StreamValue.AppendResult.IdTooSmall
                ? "ERR The ID specified in XADD is equal or smaller than the target stream top item"
                : "ERR Elements are too large to be stored");
            return;
        }
        if (created) db.Set(key, s);
        id.Write(c.Reply);
        if (EffectRecorder.Current is not null)
        {
            // Logged with the ID it got and without options: replay adds exactly this entry.
            var effect = new byte[c.ArgCount - fieldPos + 3][];
            effect[0] = "XADD"u8.ToArray();
            effect[1] = key.ToArray();
            effect[2] = id.ToBytes();
            for (int i = fieldPos; i < c.ArgCount; i++) effect[i - fieldPos + 3] = c.ArgBytes(i);
            EffectRecorder.Replace(c, effect);
        }
        if (created) db.Notify(K.Stream, "xadd", key); // Set counted the change and touched WATCHes
        else db.Modified(key, K.Stream, "xadd");
        if (trim.Strategy != StreamTrimStrategy.None && s.Trim(trim) > 0)
        {
            db.Notify(K.Stream, "xtrim", key);
            EffectRecorder.Replace(c, TrimEffect(key, s, trim));
        }
        StreamBlocking.SignalReady(c, key);
    }

    /// <summary>What makes a trim replay exactly: an exact trim to where it got (Redis rewrites ~ to = and the threshold the same way).</summary>
    internal static byte[][] TrimEffect(ReadOnlySpan<byte> key, StreamValue s, in StreamTrim trim)
    {
        byte[] threshold = trim.Strategy == StreamTrimStrategy.MaxLen
            ? StreamArgs.Bytes(trim.Approx ? s.Length : trim.MaxLen)
            : (trim.Approx ? FirstEntryIdWithTombstones(s) : trim.MinId).ToBytes();
        return ["XTRIM"u8.ToArray(), key.ToArray(), trim.Strategy == StreamTrimStrategy.MaxLen ? "MAXLEN"u8.ToArray() : "MINID"u8.ToArray(), "="u8.ToArray(), threshold];
    }

    /// <summary>The first entry's ID counting deleted ones (streamGetEdgeID without skipping tombstones); Max when empty.</summary>
    private static StreamId FirstEntryIdWithTombstones(StreamValue s)
    {
        if (s.Nodes.Count == 0) return StreamId.Max;
        var node = s.Nodes[0];
        node.ReadEntry(node.FirstEntryPos, out var e);
        return e.Id;
    }

    private static void XTrim(CommandContext c)
    {
        if (StreamArgs.TryAddOrTrimArgs(c, xadd: false, out var trim, out _, out _, out _) < 0) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s, countHits: false)) return;
        if (s is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long deleted = s.Trim(trim);
        if (deleted > 0)
        {
            db.Notify(K.Stream, "xtrim", key);
            EffectRecorder.Replace(c, TrimEffect(key, s, trim));
            db.Modified(key);
            db.Stats.Dirty += deleted - 1;
        }
        c.Reply.WriteInteger(deleted);
    }

    private static void XDel(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s, countHits: false)) return;
        if (s is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var ids = new StreamId[c.ArgCount - 2];
        for (int i = 2; i < c.ArgCount; i++)
        {
            if (!StreamArgs.TryStrictId(c, c.Arg(i), 0, out ids[i - 2])) return;
        }
        long deleted = 0;
        bool firstEntry = false;
        foreach (var id in ids)
        {
            if (!s.Delete(id)) continue;
            if (id == s.FirstId) firstEntry = true;
            if (id > s.MaxDeletedId) s.MaxDeletedId = id;
            deleted++;
        }
        if (deleted > 0)
        {
            if (s.Length == 0) s.FirstId = StreamId.Zero;
            else if (firstEntry) s.FirstId = s.EdgeId(first: true);
            db.Modified(key, K.Stream, "xdel");
            db.Stats.Dirty += deleted - 1;
        }
        c.Reply.WriteInteger(deleted);
    }

    private static void XRange(CommandContext c, bool reverse)
    {
        int startArg = reverse ? 3 : 2, endArg = reverse ? 2 : 3;
        if (!StreamArgs.TryIntervalId(c, startArg, 0, out var start, out bool startEx)) return;
        if (startEx && !start.TryIncrement(out start))
        {
            c.Error("ERR invalid start ID for the interval");
            return;
        }
        if (!StreamArgs.TryIntervalId(c, endArg, ulong.MaxValue, out var end, out bool endEx)) return;
        if (endEx && !end.TryDecrement(out end))
        {
            c.Error("ERR invalid end ID for the interval");
            return;
        }
        long count = -1;
        for (int j = 4; j < c.ArgCount; j++)
        {
            if (c.ArgIs(j, "COUNT") && c.ArgCount - j - 1 >= 1)
            {
                if (!c.TryArgLong(j + 1, out count)) return;
                if (count < 0) count = 0;
                j++;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (!CollectionValues.TryGet<StreamValue>(c, c.Db, c.Arg(1), out var s)) return;
        if (s is null)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (count == 0)
        {
            c.Reply.WriteNullArray();
            return;
        }
        WriteRange(c, s, start, end, count == -1 ? 0 : count, reverse);
    }

    /// <summary>Writes the entries in [start, end] (at most <paramref name="count"/>, 0 for all) as an array.</summary>
    internal static long WriteRange(CommandContext c, StreamValue s, StreamId start, StreamId end, long count, bool reverse)
    {
        var list = new List<StreamEntry>();
        var it = new StreamIterator(s, start, end, reverse);
        while ((count == 0 || list.Count < count) && it.Next(out var e)) list.Add(e);
        c.Reply.WriteArrayHeader(list.Count);
        foreach (var e in list) e.Write(c.Reply);
        return list.Count;
    }

    private static void XSetId(CommandContext c)
    {
        if (!StreamArgs.TryStrictId(c, c.Arg(2), 0, out var id)) return;
        long entriesAdded = -1;
        var maxDeleted = StreamId.Zero;
        for (int i = 3; i < c.ArgCount;)
        {
            int more = c.ArgCount - 1 - i;
            if (c.ArgIs(i, "ENTRIESADDED") && more > 0)
            {
                if (!c.TryArgLong(i + 1, out entriesAdded)) return;
                if (entriesAdded < 0)
                {
                    c.Error("ERR entries_added must be positive");
                    return;
                }
                i += 2;
            }
            else if (c.ArgIs(i, "MAXDELETEDID") && more > 0)
            {
                if (!StreamArgs.TryStrictId(c, c.Arg(i + 1), 0, out maxDeleted)) return;
                if (id < maxDeleted)
                {
                    c.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                i += 2;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s, countHits: false)) return;
        if (s is null)
        {
            c.Error(Errors.NoSuchKey);
            return;
        }
        if (s.Length > 0)
        {
            if (id < s.EdgeId(first: false))
            {
                c.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && s.Length > entriesAdded)
            {
                c.Error("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        if (id < s.MaxDeletedId)
        {
            c.Error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
            return;
        }
        s.LastId = id;
        if (entriesAdded != -1) s.EntriesAdded = entriesAdded;
        if (!maxDeleted.IsZero) s.MaxDeletedId = maxDeleted;
        c.Reply.WriteOk();
        db.Stats.Dirty++; // 7.0.15 does not signal the key: a WATCH on it survives XSETID
        db.Notify(K.Stream, "xsetid", key);
    }
}
