using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS (HELP comes from the captured text).</summary>
internal static class StreamInfoCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["xinfo|stream"] = XInfo;
        h["xinfo|groups"] = XInfo;
        h["xinfo|consumers"] = XInfo;
    }

    private static void XInfo(CommandContext c)
    {
        if (c.ArgCount < 3)
        {
            c.Error(Errors.SubcommandSyntax(c));
            return;
        }
        if (!CollectionValues.TryGet<StreamValue>(c, c.Db, c.Arg(2), out var s)) return;
        if (s is null)
        {
            c.Error(Errors.NoSuchKey);
            return;
        }
        if (c.ArgIs(1, "CONSUMERS") && c.ArgCount == 4) Consumers(c, s);
        else if (c.ArgIs(1, "GROUPS") && c.ArgCount == 3) Groups(c, s);
        else if (c.ArgIs(1, "STREAM")) Stream(c, s);
        else c.Error(Errors.SubcommandSyntax(c));
    }

    private static void Consumers(CommandContext c, StreamValue s)
    {
        var g = s.FindGroup(c.Arg(3));
        if (g is null)
        {
            c.Error($"NOGROUP No such consumer group '{c.ArgText(3)}' for key name '{c.ArgText(2)}'");
            return;
        }
        var w = c.Reply;
        long now = Runtime.ServerClock.UnixMs;
        w.WriteArrayHeader(g.Consumers.Count);
        foreach (var consumer in g.Consumers.Values)
        {
            w.WriteMapHeader(3);
            w.WriteBulk("name"u8);
            w.WriteBulk(consumer.Name);
            w.WriteBulk("pending"u8);
            w.WriteInteger(consumer.Pending.Count);
            w.WriteBulk("idle"u8);
            w.WriteInteger(Math.Max(0, now - consumer.SeenTime));
        }
    }

    private static void Groups(CommandContext c, StreamValue s)
    {
        var w = c.Reply;
        if (s.Groups is null)
        {
            w.WriteArrayHeader(0);
            return;
        }
        w.WriteArrayHeader(s.Groups.Count);
        foreach (var (name, g) in s.Groups)
        {
            w.WriteMapHeader(6);
            w.WriteBulk("name"u8);
            w.WriteBulk(name);
            w.WriteBulk("consumers"u8);
            w.WriteInteger(g.Consumers.Count);
            w.WriteBulk("pending"u8);
            w.WriteInteger(g.Pending.Count);
            w.WriteBulk("last-delivered-id"u8);
            g.LastId.Write(w);
            WriteProgress(w, s, g);
        }
    }

    private static void WriteProgress(RespWriter w, StreamValue s, StreamGroup g)
    {
        w.WriteBulk("entries-read"u8);
        if (g.EntriesRead != StreamGroup.InvalidEntriesRead) w.WriteInteger(g.EntriesRead);
        else w.WriteNull();
        w.WriteBulk("lag"u8);
        if (StreamLag.Lag(s, g) is { } lag) w.WriteInteger(lag);
        else w.WriteNull();
    }

    private static void Stream(CommandContext c, StreamValue s)
    {
        bool full = true;
        long count = 10;
        int argc = c.ArgCount - 3;
        if (argc == 0) full = false;
        else
        {
            if (!c.ArgIs(3, "FULL"))
            {
                c.Error(Errors.SubcommandSyntax(c));
                return;
            }
            if (argc > 1)
            {
                if (argc != 3 || !c.ArgIs(4, "COUNT"))
                {
                    c.Error(Errors.SubcommandSyntax(c));
                    return;
                }
                if (!c.TryArgLong(5, out count)) return;
                if (count < 0) count = 10;
            }
        }
        var w = c.Reply;
        w.WriteMapHeader(full ? 9 : 10);
        w.WriteBulk("length"u8);
        w.WriteInteger(s.Length);
        w.WriteBulk("radix-tree-keys"u8);
        w.WriteInteger(s.Nodes.Count);
        w.WriteBulk("radix-tree-nodes"u8);
        w.WriteInteger(s.RaxNodeCount());
        w.WriteBulk("last-generated-id"u8);
        s.LastId.Write(w);
        w.WriteBulk("max-deleted-entry-id"u8);
        s.MaxDeletedId.Write(w);
        w.WriteBulk("entries-added"u8);
        w.WriteInteger(s.EntriesAdded);
        w.WriteBulk("recorded-first-entry-id"u8);
        s.FirstId.Write(w);
        if (!full)
        {
            w.WriteBulk("groups"u8);
            w.WriteInteger(s.Groups?.Count ?? 0);
            w.WriteBulk("first-entry"u8);
            WriteEdge(w, s, reverse: false);
            w.WriteBulk("last-entry"u8);
            WriteEdge(w, s, reverse: true);
            return;
        }
        w.WriteBulk("entries"u8);
        StreamCommands.WriteRange(c, s, StreamId.Zero, StreamId.Max, count, reverse: false);
        w.WriteBulk("groups"u8);
        w.WriteArrayHeader(s.Groups?.Count ?? 0);
        if (s.Groups is null) return;
        foreach (var (name, g) in s.Groups) FullGroup(w, s, name, g, count);
    }

    private static void WriteEdge(RespWriter w, StreamValue s, bool reverse)
    {
        var it = new StreamIterator(s, StreamId.Zero, StreamId.Max, reverse);
        if (it.Next(out var e)) e.Write(w);
        else w.WriteNull();
    }

    private static void FullGroup(RespWriter w, StreamValue s, byte[] name, StreamGroup g, long count)
    {
        w.WriteMapHeader(7);
        w.WriteBulk("name"u8);
        w.WriteBulk(name);
        w.WriteBulk("last-delivered-id"u8);
        g.LastId.Write(w);
        WriteProgress(w, s, g);
        w.WriteBulk("pel-count"u8);
        w.WriteInteger(g.Pending.Count);
        w.WriteBulk("pending"u8);
        var pel = g.Pending.All.Take(count == 0 ? int.MaxValue : (int)Math.Min(count, int.MaxValue)).ToList();
        w.WriteArrayHeader(pel.Count);
        foreach (var (id, nack) in pel)
        {
            w.WriteArrayHeader(4);
            id.Write(w);
            w.WriteBulk(nack.Consumer.Name);
            w.WriteInteger(nack.DeliveryTime);
            w.WriteInteger(nack.DeliveryCount);
        }
        w.WriteBulk("consumers"u8);
        w.WriteArrayHeader(g.Consumers.Count);
        foreach (var consumer in g.Consumers.Values)
        {
            w.WriteMapHeader(4);
            w.WriteBulk("name"u8);
            w.WriteBulk(consumer.Name);
            w.WriteBulk("seen-time"u8);
            w.WriteInteger(consumer.SeenTime);
            w.WriteBulk("pel-count"u8);
            w.WriteInteger(consumer.Pending.Count);
            w.WriteBulk("pending"u8);
            var cpel = consumer.Pending.All.Take(count == 0 ? int.MaxValue : (int)Math.Min(count, int.MaxValue)).ToList();
            w.WriteArrayHeader(cpel.Count);
            foreach (var (id, nack) in cpel)
            {
                w.WriteArrayHeader(3);
                id.Write(w);
                w.WriteInteger(nack.DeliveryTime);
                w.WriteInteger(nack.DeliveryCount);
            }
        }
    }
}
