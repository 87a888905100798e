using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER (HELP comes from the captured text), XACK, XPENDING.</summary>
internal static class StreamGroupCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        foreach (var sub in new[] { "create", "setid", "destroy", "createconsumer", "delconsumer" }) h["xgroup|" + sub] = XGroup;
        h["xack"] = XAck;
        h["xpending"] = XPending;
    }

    private static bool ParseEntriesRead(CommandContext c, int i, out long entriesRead)
    {
        if (!c.TryArgLong(i, out entriesRead)) return false;
        if (entriesRead < 0 && entriesRead != StreamGroup.InvalidEntriesRead)
        {
            c.Error("ERR value for ENTRIESREAD must be positive or -1");
            return false;
        }
        return true;
    }

    /// <summary>xgroupCommand: options, then key and group checks, then the subcommand, in Redis's order.</summary>
    private static void XGroup(CommandContext c)
    {
        string op = c.ArgString(1).ToUpperInvariant();
        if (!TryOptions(c, op, out bool mkStream, out long entriesRead)) return;
        var db = c.Db;
        var key = c.Arg(2);
        if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s, countHits: false)) return;
        var groupName = c.ArgBytes(3);
        var g = s?.FindGroup(groupName);
        if (!mkStream)
        {
            if (s is null)
            {
                c.Error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
                return;
            }
            if (g is null && op is "SETID" or "CREATECONSUMER" or "DELCONSUMER")
            {
                c.Error($"NOGROUP No such consumer group '{c.ArgText(3)}' for key name '{c.ArgText(2)}'");
                return;
            }
        }
        int argc = c.ArgCount;
        switch (op)
        {
            case "CREATE" when argc is >= 5 and <= 8: Create(c, db, key, s, groupName, entriesRead); break;
            case "SETID" when argc is 5 or 7: SetId(c, db, key, s!, g!, entriesRead); break;
            case "DESTROY" when argc == 4: Destroy(c, db, key, s!, g, groupName); break;
            case "CREATECONSUMER" when argc == 5: CreateConsumer(c, db, key, g!); break;
            case "DELCONSUMER" when argc == 5: DelConsumer(c, db, key, g!); break;
            default: c.Error(Errors.SubcommandSyntax(c)); break;
        }
    }

    /// <summary>CREATE's MKSTREAM/ENTRIESREAD and SETID's ENTRIESREAD, checked before anything else as Redis does.</summary>
    private static bool TryOptions(CommandContext c, string op, out bool mkStream, out long entriesRead)
    {
        mkStream = false;
        entriesRead = StreamGroup.InvalidEntriesRead;
        int argc = c.ArgCount;
        if (op == "CREATE")
        {
            for (int i = 5; i < argc;)
            {
                if (c.ArgIs(i, "MKSTREAM"))
                {
                    mkStream = true;
                    i++;
                }
                else if (c.ArgIs(i, "ENTRIESREAD") && i + 1 < argc)
                {
                    if (!ParseEntriesRead(c, i + 1, out entriesRead)) return false;
                    i += 2;
                }
                else
                {
                    c.Error(Errors.SubcommandSyntax(c));
                    return false;
                }
            }
        }
        else if (op == "SETID")
        {
            // Every ENTRIESREAD pair is read and checked; the count of arguments (5 or 7) only after the key and group.
            for (int i = 5; i < argc; i += 2)
            {
                if (!c.ArgIs(i, "ENTRIESREAD") || i + 1 >= argc)
                {
                    c.Error(Errors.SubcommandSyntax(c));
                    return false;
                }
                if (!ParseEntriesRead(c, i + 1, out entriesRead)) return false;
            }
        }
        return true;
    }

    private static void SetId(CommandContext c, Keyspace.Db db, ReadOnlySpan<byte> key, StreamValue s, StreamGroup g, long entriesRead)
    {
        StreamId id;
        if (c.Arg(4) is [(byte)'$']) id = s.LastId;
        else if (!StreamArgs.TryId(c, 4, 0, out id)) return;
        g.LastId = id;
        g.EntriesRead = entriesRead;
        c.Reply.WriteOk();
        db.ChangedUnwatched(key);
        db.Notify(K.Stream, "xgroup-setid", key);
    }

    private static void Destroy(CommandContext c, Keyspace.Db db, ReadOnlySpan<byte> key, StreamValue s, StreamGroup? g, byte[] groupName)
    {
        if (g is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        s.Groups!.Remove(groupName);
        c.Reply.WriteInteger(1);
        db.ChangedUnwatched(key);
        db.Notify(K.Stream, "xgroup-destroy", key);
        StreamBlocking.SignalReady(c, key); // blocked XREADGROUPs get NOGROUP
    }

    private static void CreateConsumer(CommandContext c, Keyspace.Db db, ReadOnlySpan<byte> key, StreamGroup g)
    {
        if (g.FindConsumer(c.Arg(4)) is not null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        g.AddConsumer(c.ArgBytes(4), c.NowMs);
        c.Reply.WriteInteger(1);
        db.ChangedUnwatched(key);
        db.Notify(K.Stream, "xgroup-createconsumer", key);
    }

    private static void DelConsumer(CommandContext c, Keyspace.Db db, ReadOnlySpan<byte> key, StreamGroup g)
    {
        var consumer = g.FindConsumer(c.Arg(4));
        long pending = 0;
        if (consumer is not null)
        {
            pending = g.DeleteConsumer(consumer);
            db.ChangedUnwatched(key);
            db.Notify(K.Stream, "xgroup-delconsumer", key);
        }
        c.Reply.WriteInteger(pending);
    }

    private static void Create(CommandContext c, Keyspace.Db db, ReadOnlySpan<byte> key, StreamValue? s, byte[] groupName, long entriesRead)
    {
        StreamId id;
        if (c.Arg(4) is [(byte)'$']) id = s?.LastId ?? StreamId.Zero;
        else if (!StreamArgs.TryStrictId(c, c.Arg(4), 0, out id)) return;
        if (s is null)
        {
            s = new StreamValue();
            db.Set(key, s);
            db.Stats.Dirty--; // Redis counts the group creation only
        }
        s.Groups ??= new SortedDictionary<byte[], StreamGroup>(ByteArrayComparer.Instance);
        if (s.Groups.ContainsKey(groupName))
        {
            c.Error("BUSYGROUP Consumer Group name already exists");
            return;
        }
        s.Groups[groupName] = new StreamGroup(id, entriesRead);
        c.Reply.WriteOk();
        db.ChangedUnwatched(key);
        db.Notify(K.Stream, "xgroup-create", key);
    }

    private static void XAck(CommandContext c)
    {
        var db = c.Db;
        if (!CollectionValues.TryGet<StreamValue>(c, db, c.Arg(1), out var s)) return;
        var g = s?.FindGroup(c.Arg(2));
        if (g is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var ids = new StreamId[c.ArgCount - 3];
        for (int j = 3; j < c.ArgCount; j++)
        {
            if (!StreamArgs.TryStrictId(c, c.Arg(j), 0, out ids[j - 3])) return;
        }
        long acked = 0;
        foreach (var id in ids)
        {
            if (!g.Pending.TryGet(id, out var nack)) continue;
            g.Pending.Remove(id);
            nack.Consumer.Pending.Remove(id);
            acked++;
        }
        db.ChangedUnwatched(c.Arg(1), acked);
        c.Reply.WriteInteger(acked);
    }

    private static void XPending(CommandContext c)
    {
        int argc = c.ArgCount;
        bool summary = argc == 3;
        if (argc != 3 && (argc < 6 || argc > 9))
        {
            c.SyntaxError();
            return;
        }
        long count = 0, minIdle = 0;
        StreamId start = default, end = default;
        int consumerArg = -1;
        if (argc >= 6)
        {
            int si = 3;
            if (c.ArgIs(3, "IDLE"))
            {
                if (!c.TryArgLong(4, out minIdle)) return;
                if (argc < 8)
                {
                    c.SyntaxError();
                    return;
                }
                si += 2;
            }
            if (!c.TryArgLong(si + 2, out count)) return;
            if (count < 0) count = 0;
            if (!StreamArgs.TryIntervalId(c, si, 0, out start, out bool startEx)) return;
            if (startEx && !start.TryIncrement(out start))
            {
                c.Error("ERR invalid start ID for the interval");
                return;
            }
            if (!StreamArgs.TryIntervalId(c, si + 1, ulong.MaxValue, out end, out bool endEx)) return;
            if (endEx && !end.TryDecrement(out end))
            {
                c.Error("ERR invalid end ID for the interval");
                return;
            }
            if (si + 3 < argc) consumerArg = si + 3;
        }
        if (!CollectionValues.TryGet<StreamValue>(c, c.Db, c.Arg(1), out var s)) return;
        var g = s?.FindGroup(c.Arg(2));
        if (g is null)
        {
            c.Error($"NOGROUP No such key '{c.ArgText(1)}' or consumer group '{c.ArgText(2)}'");
            return;
        }
        if (summary) WriteSummary(c.Reply, g);
        else WriteRows(c, g, start, end, count, minIdle, consumerArg);
    }

    /// <summary>XPENDING key group: count, smallest and greatest ID, consumers with pending entries.</summary>
    private static void WriteSummary(Arrakis.Protocol.RespWriter w, StreamGroup g)
    {
        w.WriteArrayHeader(4);
        w.WriteInteger(g.Pending.Count);
        if (g.Pending.Count == 0)
        {
            w.WriteNull();
            w.WriteNull();
            w.WriteNullArray();
            return;
        }
        g.Pending.Min.Write(w);
        g.Pending.MaxId.Write(w);
        var withPending = g.Consumers.Values.Where(x => x.Pending.Count > 0).ToList();
        w.WriteArrayHeader(withPending.Count);
        foreach (var x in withPending)
        {
            w.WriteArrayHeader(2);
            w.WriteBulk(x.Name);
            w.WriteBulkInteger(x.Pending.Count);
        }
    }

    /// <summary>XPENDING's extended form: [id, consumer, idle ms, deliveries] rows of the group's or a consumer's PEL.</summary>
    private static void WriteRows(CommandContext c, StreamGroup g, StreamId start, StreamId end, long count, long minIdle, int consumerArg)
    {
        var w = c.Reply;
        PendingList pel = g.Pending;
        if (consumerArg >= 0)
        {
            var consumer = g.FindConsumer(c.Arg(consumerArg));
            if (consumer is null)
            {
                w.WriteArrayHeader(0);
                return;
            }
            pel = consumer.Pending;
        }
        var rows = new List<(StreamId, PendingEntry)>();
        foreach (var (id, nack) in pel.Range(start, end))
        {
            if (count == 0) break;
            if (minIdle != 0 && c.NowMs - nack.DeliveryTime < minIdle) continue;
            rows.Add((id, nack));
            count--;
        }
        w.WriteArrayHeader(rows.Count);
        foreach (var (id, nack) in rows)
        {
            w.WriteArrayHeader(4);
            id.Write(w);
            w.WriteBulk(nack.Consumer.Name);
            w.WriteInteger(Math.Max(0, c.NowMs - nack.DeliveryTime));
            w.WriteInteger(nack.DeliveryCount);
        }
    }
}
