using Arrakis.Server.Durability;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XCLAIM and XAUTOCLAIM (Redis 7.0: deleted entries leave the PEL and XAUTOCLAIM lists them).
/// Effects are logged per entry as XCLAIM ... TIME t RETRYCOUNT n FORCE JUSTID, so replay is exact.</summary>
internal static class StreamClaimCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["xclaim"] = XClaim;
        h["xautoclaim"] = XAutoClaim;
    }

    private static bool TryGroup(CommandContext c, out StreamValue s, out StreamGroup g)
    {
        s = null!;
        g = null!;
        if (!CollectionValues.TryGet<StreamValue>(c, c.Db, c.Arg(1), out var found)) return false;
        var group = found?.FindGroup(c.Arg(2));
        if (group is null)
        {
            c.Error($"NOGROUP No such key '{c.ArgText(1)}' or consumer group '{c.ArgText(2)}'");
            return false;
        }
        s = found!;
        g = group;
        return true;
    }

    private static bool Exists(StreamValue s, StreamId id) => new StreamIterator(s, id, id, reverse: false).Next(out _);

    private static void XClaim(CommandContext c)
    {
        if (!TryGroup(c, out var s, out var g)) return;
        if (!c.TryArgLong(4, out long minIdle, "ERR Invalid min-idle-time argument for XCLAIM")) return;
        if (minIdle < 0) minIdle = 0;
        var ids = new List<StreamId>();
        int j = 5;
        for (; j < c.ArgCount; j++)
        {
            if (!StreamId.TryParse(c.Arg(j), 0, strict: true, allowAutoSeq: false, out var id, out _)) break;
            ids.Add(id);
        }
        long now = c.NowMs;
        if (!TryOptions(c, j, now, out var o)) return;
        long deliveryTime = o.DeliveryTime, retryCount = o.RetryCount;
        bool force = o.Force, justId = o.JustId;
        var lastId = o.LastId;
        var key = c.Arg(1);
        var groupName = c.ArgBytes(2);
        bool propagateLastId = false;
        if (lastId > g.LastId)
        {
            g.LastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
        StreamConsumer? consumer = null;
        var db = c.Db;
        var w = c.Reply;
        var replies = new List<(StreamId Id, bool Exists)>();
        foreach (var id in ids)
        {
            bool hasNack = g.Pending.TryGet(id, out var nack);
            if (!Exists(s, id))
            {
                if (hasNack)
                {
                    LogRemoval(c, key, groupName, nack, id);
                    propagateLastId = false;
                    db.ChangedUnwatched(key);
                    g.Pending.Remove(id);
                    nack.Consumer.Pending.Remove(id);
                }
                continue;
            }
            bool created = false;
            if (force && !hasNack)
            {
                nack = new PendingEntry(null!, now, 1); // streamCreateNACK: one delivery, now
                g.Pending.Add(id, nack);
                hasNack = created = true;
            }
            if (!hasNack) continue;
            if (!created && minIdle != 0 && now - nack.DeliveryTime < minIdle) continue;
            consumer ??= LookupOrCreate(c, key, groupName, g, now);
            if (!ReferenceEquals(nack.Consumer, consumer)) nack.Consumer?.Pending.Remove(id);
            nack.DeliveryTime = deliveryTime;
            if (retryCount >= 0) nack.DeliveryCount = retryCount;
            else if (!justId) nack.DeliveryCount++;
            if (!ReferenceEquals(nack.Consumer, consumer))
            {
                consumer.Pending.Add(id, nack);
                nack.Consumer = consumer;
            }
            replies.Add((id, true));
            StreamGroupReads.LogClaim(c, key, groupName, consumer.Name, id, nack, null);
            propagateLastId = false;
            db.ChangedUnwatched(key);
        }
        if (propagateLastId) db.ChangedUnwatched(key);
        if (lastId > StreamId.Zero && g.LastId == lastId) StreamGroupReads.LogSetId(c, key, groupName, g);
        EffectRecorder.SuppressDefault(c);
        w.WriteArrayHeader(replies.Count);
        foreach (var (id, _) in replies) WriteClaimed(c, s, id, justId);
    }

    /// <summary>XCLAIM's options after its IDs (FORCE, JUSTID, IDLE, TIME, RETRYCOUNT, LASTID), with Redis's error texts.</summary>
    private static bool TryOptions(CommandContext c, int j, long now, out ClaimOptions o)
    {
        o = new ClaimOptions(-1, -1, false, false, StreamId.Zero);
        for (; j < c.ArgCount; j++)
        {
            bool more = c.ArgCount - 1 - j > 0;
            if (c.ArgIs(j, "FORCE")) o = o with { Force = true };
            else if (c.ArgIs(j, "JUSTID")) o = o with { JustId = true };
            else if (c.ArgIs(j, "IDLE") && more)
            {
                if (!c.TryArgLong(++j, out long idle, "ERR Invalid IDLE option argument for XCLAIM")) return false;
                o = o with { DeliveryTime = now - idle };
            }
            else if (c.ArgIs(j, "TIME") && more)
            {
                if (!c.TryArgLong(++j, out long time, "ERR Invalid TIME option argument for XCLAIM")) return false;
                o = o with { DeliveryTime = time };
            }
            else if (c.ArgIs(j, "RETRYCOUNT") && more)
            {
                if (!c.TryArgLong(++j, out long retry, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) return false;
                o = o with { RetryCount = retry };
            }
            else if (c.ArgIs(j, "LASTID") && more)
            {
                if (!StreamArgs.TryStrictId(c, c.Arg(++j), 0, out var last)) return false;
                o = o with { LastId = last };
            }
            else
            {
                c.Error($"ERR Unrecognized XCLAIM option '{c.ArgText(j)}'");
                return false;
            }
        }
        return true;
    }

    /// <summary>XCLAIM's options: delivery time (-1: now), retry count (-1: increment), FORCE, JUSTID, LASTID.</summary>
    private readonly record struct ClaimOptions(long DeliveryTime, long RetryCount, bool Force, bool JustId, StreamId LastId);

    private static void WriteClaimed(CommandContext c, StreamValue s, StreamId id, bool justId)
    {
        if (justId)
        {
            id.Write(c.Reply);
            return;
        }
        var it = new StreamIterator(s, id, id, reverse: false);
        if (it.Next(out var e)) e.Write(c.Reply);
        else c.Reply.WriteNull();
    }

    /// <summary>A NACK whose entry is gone leaves the PEL; logged as the XCLAIM that does the same on replay.</summary>
    private static void LogRemoval(CommandContext c, ReadOnlySpan<byte> key, byte[] group, PendingEntry nack, StreamId id) =>
        StreamGroupReads.LogClaim(c, key, group, nack.Consumer.Name, id, nack, null);

    private static StreamConsumer LookupOrCreate(CommandContext c, ReadOnlySpan<byte> key, byte[] group, StreamGroup g, long now)
    {
        var consumer = g.FindConsumer(c.Arg(3));
        if (consumer is null)
        {
            consumer = g.AddConsumer(c.ArgBytes(3), now);
            c.Db.ChangedUnwatched(key);
            c.Db.Notify(PubSub.KeyspaceEvents.Kind.Stream, "xgroup-createconsumer", key);
        }
        consumer.SeenTime = now;
        return consumer;
    }

    /// <summary>XAUTOCLAIM's arguments before the key is looked up: min-idle-time, start (may be exclusive), COUNT, JUSTID.</summary>
    private static bool TryAutoClaimArgs(CommandContext c, out long minIdle, out StreamId start, out long count, out bool justId)
    {
        start = default;
        count = 100;
        justId = false;
        if (!c.TryArgLong(4, out minIdle, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) return false;
        if (minIdle < 0) minIdle = 0;
        if (!StreamArgs.TryIntervalId(c, 5, 0, out start, out bool startEx)) return false;
        if (startEx && !start.TryIncrement(out start))
        {
            c.Error("ERR invalid start ID for the interval");
            return false;
        }
        for (int j = 6; j < c.ArgCount; j++)
        {
            bool more = c.ArgCount - 1 - j > 0;
            if (c.ArgIs(j, "COUNT") && more)
            {
                if (!Arrakis.Protocol.RespNumber.TryParseInt64(c.Arg(j + 1), out count) || count < 1 || count > long.MaxValue / 16)
                {
                    c.Error("ERR COUNT must be > 0");
                    return false;
                }
                j++;
            }
            else if (c.ArgIs(j, "JUSTID")) justId = true;
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        return true;
    }

    private static void XAutoClaim(CommandContext c)
    {
        if (!TryAutoClaimArgs(c, out long minIdle, out var start, out long count, out bool justId)) return;
        if (!TryGroup(c, out var s, out var g)) return;
        if (count > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 16)
        {
            // Redis allocates COUNT deleted-ID slots up front and fails when that cannot be had.
            c.Error("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
            return;
        }
        var key = c.Arg(1);
        var groupName = c.ArgBytes(2);
        var db = c.Db;
        long now = c.NowMs;
        long attempts = count * 10;
        var deleted = new List<StreamId>();
        var claimed = new List<StreamId>();
        StreamConsumer? consumer = null;
        using var cursor = g.Pending.Range(start, StreamId.Max).ToList().GetEnumerator();
        bool hasNext = false;
        while (attempts-- > 0 && count > 0 && (hasNext = cursor.MoveNext()))
        {
            var (id, nack) = cursor.Current;
            if (!Exists(s, id))
            {
                LogRemoval(c, key, groupName, nack, id);
                db.ChangedUnwatched(key);
                g.Pending.Remove(id);
                nack.Consumer.Pending.Remove(id);
                deleted.Add(id);
                count--;
                continue;
            }
            if (minIdle != 0 && now - nack.DeliveryTime < minIdle) continue;
            consumer ??= LookupOrCreate(c, key, groupName, g, now);
            if (!ReferenceEquals(nack.Consumer, consumer)) nack.Consumer.Pending.Remove(id);
            nack.DeliveryTime = now;
            if (!justId) nack.DeliveryCount++;
            if (!ReferenceEquals(nack.Consumer, consumer))
            {
                consumer.Pending.Add(id, nack);
                nack.Consumer = consumer;
            }
            claimed.Add(id);
            count--;
            StreamGroupReads.LogClaim(c, key, groupName, consumer.Name, id, nack, null);
            db.ChangedUnwatched(key);
        }
        var next = cursor.MoveNext() ? cursor.Current.Id : StreamId.Zero;
        EffectRecorder.SuppressDefault(c);
        var w = c.Reply;
        w.WriteArrayHeader(3);
        next.Write(w);
        w.WriteArrayHeader(claimed.Count);
        foreach (var id in claimed) WriteClaimed(c, s, id, justId);
        w.WriteArrayHeader(deleted.Count);
        foreach (var id in deleted) id.Write(w);
    }
}
