using Arrakis.Protocol;
using Arrakis.Server.Durability;
using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XREAD and XREADGROUP (xreadCommand in Redis 7.0), blocking through <see cref="StreamBlocking"/>.</summary>
internal static class StreamReadCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["xread"] = c => XRead(c, group: false);
        h["xreadgroup"] = c => XRead(c, group: true);
    }

    private static bool TryParse(CommandContext c, bool xreadgroup, out StreamReadArgs a)
    {
        a = new StreamReadArgs();
        for (int i = 1; i < c.ArgCount; i++)
        {
            int more = c.ArgCount - i - 1;
            if (c.ArgIs(i, "BLOCK") && more > 0)
            {
                i++;
                if (!TryTimeout(c, i, out a.Deadline)) return false;
            }
            else if (c.ArgIs(i, "COUNT") && more > 0)
            {
                i++;
                if (!c.TryArgLong(i, out a.Count)) return false;
                if (a.Count < 0) a.Count = 0;
            }
            else if (c.ArgIs(i, "STREAMS") && more > 0)
            {
                a.StreamsArg = i + 1;
                int n = c.ArgCount - a.StreamsArg;
                if (n % 2 != 0)
                {
                    c.Error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                    return false;
                }
                a.StreamCount = n / 2;
                break;
            }
            else if (c.ArgIs(i, "GROUP") && more >= 2)
            {
                if (!xreadgroup)
                {
                    c.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return false;
                }
                a.Group = c.ArgBytes(i + 1);
                a.Consumer = c.ArgBytes(i + 2);
                i += 2;
            }
            else if (c.ArgIs(i, "NOACK"))
            {
                if (!xreadgroup)
                {
                    c.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return false;
                }
                a.NoAck = true;
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        if (a.StreamsArg == 0)
        {
            c.SyntaxError();
            return false;
        }
        if (xreadgroup && a.Group is null)
        {
            c.Error("ERR Missing GROUP option for XREADGROUP");
            return false;
        }
        return true;
    }

    /// <summary>getTimeoutFromObjectOrReply in milliseconds as 7.0.15 has it: an integer, not negative; a
    /// deadline past LLONG_MAX (9223372036854775807) waits forever, as redis-server does.</summary>
    private static bool TryTimeout(CommandContext c, int i, out long deadline)
    {
        deadline = long.MaxValue;
        if (!c.TryArgLong(i, out long ms, "ERR timeout is not an integer or out of range")) return false;
        if (ms < 0)
        {
            c.Error("ERR timeout is negative");
            return false;
        }
        if (ms > 0) deadline = ms > long.MaxValue - Runtime.ServerClock.MonotonicMs ? long.MaxValue : Runtime.ServerClock.MonotonicMs + ms;
        return true;
    }

    private static void XRead(CommandContext c, bool group)
    {
        if (!TryParse(c, group, out var a)) return;
        var db = c.Db;
        int n = a.StreamCount;
        var ids = new StreamId[n];
        var groups = new StreamGroup?[n];
        for (int k = 0; k < n; k++)
        {
            int keyArg = a.StreamsArg + k, idArg = keyArg + n;
            var key = c.Arg(keyArg);
            if (c.ServingBlocked && db.Peek(key) is { } held and not StreamValue)
            {
                // The key now holds another type: a group reader learns the stream is gone, XREAD keeps waiting.
                if (group) Unblocked(c);
                return;
            }
            if (!CollectionValues.TryGet<StreamValue>(c, db, key, out var s)) return;
            if (group)
            {
                groups[k] = s?.FindGroup(a.Group);
                if (groups[k] is null)
                {
                    if (c.ServingBlocked && s is null) Unblocked(c);
                    else if (c.ServingBlocked) c.Error("NOGROUP the consumer group this client was blocked on no longer exists");
                    else c.Error($"NOGROUP No such key '{c.ArgText(keyArg)}' or consumer group '{Latin1(a.Group!)}' in XREADGROUP with GROUP option");
                    return;
                }
            }
            var idText = c.Arg(idArg);
            if (idText.Length == 1 && idText[0] == '$')
            {
                if (group)
                {
                    c.Error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
                    return;
                }
                ids[k] = s?.LastId ?? StreamId.Zero;
                continue;
            }
            if (idText.Length == 1 && idText[0] == '>')
            {
                if (!group)
                {
                    c.Error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                    return;
                }
                ids[k] = StreamId.Max;
                continue;
            }
            if (!StreamArgs.TryStrictId(c, idText, 0, out ids[k])) return;
        }
        if (Serve(c, a, ids, groups) > 0) return;
        if (c.ServingBlocked) return;
        if (a.Deadline != -1 && !c.InExec)
        {
            StreamBlocking.Block(c, a, ids, a.Deadline);
            return;
        }
        c.Reply.WriteNullArray();
    }

    private static void Unblocked(CommandContext c) => c.Error("UNBLOCKED the stream key no longer exists");

    private static string Latin1(byte[] b)
    {
        int nul = Array.IndexOf(b, (byte)0);
        return System.Text.Encoding.Latin1.GetString(b, 0, nul < 0 ? b.Length : nul);
    }

    /// <summary>Serves what can be served now; returns how many streams were answered (0: nothing was written).</summary>
    private static int Serve(CommandContext c, StreamReadArgs a, StreamId[] ids, StreamGroup?[] groups)
    {
        var db = c.Db;
        var served = new List<int>();
        var gts = (StreamId[])ids.Clone();
        for (int k = 0; k < a.StreamCount; k++)
        {
            var key = c.Arg(a.StreamsArg + k);
            if (c.ServingKey is not null && !key.SequenceEqual(c.ServingKey)) continue;
            // Redis looks every key up again here (a second hit or miss, as lookupKeyRead counts it).
            if ((c.ServingBlocked ? db.Peek(key) : db.Get(key)) is not StreamValue s) continue;
            // A call checks the last live entry; a blocked client is served when the stream's last ID
            // passed its position (serveClientsBlockedOnStreamKey), even if the entries since were deleted.
            bool Beyond(StreamId position) => c.ServingBlocked ? s.LastId > position : s.Length > 0 && s.EdgeId(first: false) > position;
            if (groups[k] is { } g)
            {
                if (gts[k] != StreamId.Max) served.Add(k);
                else if (Beyond(g.LastId))
                {
                    served.Add(k);
                    gts[k] = g.LastId;
                }
            }
            else if (Beyond(gts[k])) served.Add(k);
        }
        if (served.Count == 0) return 0; // a consumer is created only where something is served
        var w = c.Reply;
        if (w.IsResp3) w.WriteMapHeader(served.Count);
        else w.WriteArrayHeader(served.Count);
        for (int k = 0; k < a.StreamCount; k++)
        {
            if (!served.Contains(k)) continue;
            var key = c.Arg(a.StreamsArg + k);
            var s = (StreamValue)db.Peek(key)!;
            if (!w.IsResp3) w.WriteArrayHeader(2);
            w.WriteBulk(key);
            gts[k].TryIncrement(out var start);
            if (groups[k] is { } g)
            {
                var consumer = TouchConsumer(c, k, a, g);
                bool history = ids[k] != StreamId.Max;
                if (history) StreamGroupReads.ReplyFromConsumerPel(c, key, a.Group!, s, consumer, start, a.Count);
                else StreamGroupReads.ReplyNew(c, key, a.Group!, s, g, consumer, start, a.Count, a.NoAck);
                db.ChangedUnwatched(key);
                EffectRecorder.SuppressDefault(c);
            }
            else StreamCommands.WriteRange(c, s, start, StreamId.Max, a.Count, reverse: false);
        }
        return served.Count;
    }

    /// <summary>Looks the consumer up, creating it (logged, notified) when missing; marks it seen now.</summary>
    private static StreamConsumer TouchConsumer(CommandContext c, int k, StreamReadArgs a, StreamGroup g)
    {
        var consumer = g.FindConsumer(a.Consumer);
        if (consumer is null)
        {
            var key = c.Arg(a.StreamsArg + k);
            consumer = g.AddConsumer(a.Consumer!, c.NowMs);
            c.Db.ChangedUnwatched(key);
            c.Db.Notify(K.Stream, "xgroup-createconsumer", key);
            EffectRecorder.Replace(c, "XGROUP"u8.ToArray(), "CREATECONSUMER"u8.ToArray(), key.ToArray(), a.Group!, a.Consumer!);
        }
        consumer.SeenTime = c.NowMs;
        return consumer;
    }
}
