using Arrakis.Server.Durability;

namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// What XREADGROUP does to a group (streamReplyWithRange with a group, and
/// streamReplyWithRangeFromConsumerPEL), with its effects logged as Redis propagates them: an XCLAIM
/// per delivered entry and XGROUP SETID ... ENTRIESREAD for the group's new position.
/// </summary>
internal static class StreamGroupReads
{
    /// <summary>Delivers entries after <paramref name="start"/> (inclusive) never delivered to the group.</summary>
    public static void ReplyNew(CommandContext c, ReadOnlySpan<byte> key, byte[] groupName, StreamValue s, StreamGroup g, StreamConsumer consumer, StreamId start, long count, bool noAck)
    {
        var entries = new List<StreamEntry>();
        var it = new StreamIterator(s, start, StreamId.Max, reverse: false);
        while ((count == 0 || entries.Count < count) && it.Next(out var e)) entries.Add(e);
        var w = c.Reply;
        w.WriteArrayHeader(entries.Count);
        bool moved = false;
        foreach (var e in entries)
        {
            if (e.Id > g.LastId)
            {
                if (g.EntriesRead != StreamGroup.InvalidEntriesRead && !StreamLag.RangeHasTombstones(s, e.Id, StreamId.Max)) g.EntriesRead++;
                else if (s.EntriesAdded != 0) g.EntriesRead = StreamLag.EstimateEntriesRead(s, e.Id);
                g.LastId = e.Id;
                moved = true;
            }
            e.Write(w);
            if (noAck) continue;
            if (g.Pending.TryGet(e.Id, out var nack))
            {
                nack.Consumer.Pending.Remove(e.Id);
                nack.Consumer = consumer;
                nack.DeliveryTime = c.NowMs;
                nack.DeliveryCount = 1;
            }
            else
            {
                nack = new PendingEntry(consumer, c.NowMs, 1);
                g.Pending.Add(e.Id, nack);
            }
            consumer.Pending.Add(e.Id, nack);
            LogClaim(c, key, groupName, consumer.Name, e.Id, nack, g.LastId);
        }
        if (moved) LogSetId(c, key, groupName, g);
    }

    /// <summary>Re-delivers the consumer's own pending entries from <paramref name="start"/> on (a history read).</summary>
    public static void ReplyFromConsumerPel(CommandContext c, ReadOnlySpan<byte> key, byte[] groupName, StreamValue s, StreamConsumer consumer, StreamId start, long count)
    {
        var ids = new List<(StreamId Id, PendingEntry Nack)>();
        foreach (var p in consumer.Pending.Range(start, StreamId.Max))
        {
            if (count != 0 && ids.Count >= count) break;
            ids.Add(p);
        }
        var w = c.Reply;
        w.WriteArrayHeader(ids.Count);
        foreach (var (id, nack) in ids)
        {
            var it = new StreamIterator(s, id, id, reverse: false);
            if (it.Next(out var e))
            {
                e.Write(w);
                nack.DeliveryTime = c.NowMs;
                nack.DeliveryCount++;
                LogClaim(c, key, groupName, consumer.Name, id, nack, null);
            }
            else
            {
                w.WriteArrayHeader(2);
                id.Write(w);
                w.WriteNullArray();
            }
        }
    }

    /// <summary>XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID [LASTID id]: replays the NACK exactly.</summary>
    public static void LogClaim(CommandContext c, ReadOnlySpan<byte> key, byte[] group, byte[] consumer, StreamId id, PendingEntry nack, StreamId? lastId)
    {
        var args = new List<byte[]>
        {
            "XCLAIM"u8.ToArray(), key.ToArray(), group, consumer, "0"u8.ToArray(), id.ToBytes(),
            "TIME"u8.ToArray(), StreamArgs.Bytes(nack.DeliveryTime), "RETRYCOUNT"u8.ToArray(), StreamArgs.Bytes(nack.DeliveryCount),
            "FORCE"u8.ToArray(), "JUSTID"u8.ToArray(),
        };
        if (lastId is { } l) args.AddRange(["LASTID"u8.ToArray(), l.ToBytes()]);
        EffectRecorder.Replace(c, args.ToArray());
    }

    /// <summary>XGROUP SETID key group last-id ENTRIESREAD n.</summary>
    public static void LogSetId(CommandContext c, ReadOnlySpan<byte> key, byte[] group, StreamGroup g) =>
        EffectRecorder.Replace(c, "XGROUP"u8.ToArray(), "SETID"u8.ToArray(), key.ToArray(), group, g.LastId.ToBytes(), "ENTRIESREAD"u8.ToArray(), StreamArgs.Bytes(g.EntriesRead));
}
