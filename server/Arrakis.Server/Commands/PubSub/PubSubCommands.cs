using static Arrakis.Server.Commands.PubSub.PubSubRegistry;

namespace Arrakis.Server.Commands.PubSub;

/// <summary>SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.</summary>
internal static class PubSubCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["subscribe"] = c => Subscribe(c, Kind.Channel, "subscribe"u8);
        h["psubscribe"] = c => Subscribe(c, Kind.Pattern, "psubscribe"u8);
        h["ssubscribe"] = c => Subscribe(c, Kind.Shard, "ssubscribe"u8);
        h["unsubscribe"] = c => Unsubscribe(c, Kind.Channel, "unsubscribe"u8);
        h["punsubscribe"] = c => Unsubscribe(c, Kind.Pattern, "punsubscribe"u8);
        h["sunsubscribe"] = c => Unsubscribe(c, Kind.Shard, "sunsubscribe"u8);
        h["publish"] = c => c.Reply.WriteInteger(c.Server.PubSub.Publish(c.Arg(1), c.Arg(2)));
        h["spublish"] = c => c.Reply.WriteInteger(c.Server.PubSub.Publish(c.Arg(1), c.Arg(2), shard: true));
        h["pubsub|channels"] = c => Channels(c, shard: false);
        h["pubsub|shardchannels"] = c => Channels(c, shard: true);
        h["pubsub|numsub"] = c => NumSub(c, shard: false);
        h["pubsub|shardnumsub"] = c => NumSub(c, shard: true);
        h["pubsub|numpat"] = c => c.Reply.WriteInteger(c.Server.PubSub.PatternCount);
    }

    /// <summary>Count that Redis reports after (un)subscribing: shard commands count shard channels only.</summary>
    private static int Count(Sessions.ClientSession s, Kind kind) => kind == Kind.Shard ? s.ShardChannels.Count : s.Channels.Count + s.Patterns.Count;

    private static void Confirm(CommandContext c, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> name, bool nullName, int count)
    {
        c.Reply.WritePushHeader(3);
        c.Reply.WriteBulk(kind);
        if (nullName) c.Reply.WriteNull();
        else c.Reply.WriteBulk(name);
        c.Reply.WriteInteger(count);
    }

    private static void Subscribe(CommandContext c, Kind kind, ReadOnlySpan<byte> reply)
    {
        for (int i = 1; i < c.ArgCount; i++)
        {
            c.Server.PubSub.Subscribe(c.Session, kind, Name(c.Arg(i)));
            Confirm(c, reply, c.Arg(i), false, Count(c.Session, kind));
        }
    }

    private static void Unsubscribe(CommandContext c, Kind kind, ReadOnlySpan<byte> reply)
    {
        var registry = c.Server.PubSub;
        if (c.ArgCount == 1)
        {
            var mine = Mine(c.Session, kind).ToList();
            if (mine.Count == 0)
            {
                Confirm(c, reply, default, true, Count(c.Session, kind));
                return;
            }
            foreach (var name in mine)
            {
                registry.Unsubscribe(c.Session, kind, name);
                Confirm(c, reply, System.Text.Encoding.Latin1.GetBytes(name), false, Count(c.Session, kind));
            }
            return;
        }
        for (int i = 1; i < c.ArgCount; i++)
        {
            registry.Unsubscribe(c.Session, kind, Name(c.Arg(i)));
            Confirm(c, reply, c.Arg(i), false, Count(c.Session, kind));
        }
    }

    private static void Channels(CommandContext c, bool shard)
    {
        if (c.ArgCount > 3)
        {
            c.Error(Errors.SubcommandSyntax(c));
            return;
        }
        var names = c.Server.PubSub.ActiveChannels(c.ArgCount == 3 ? c.Arg(2) : default, shard);
        c.Reply.WriteArrayHeader(names.Count);
        foreach (var n in names) c.Reply.WriteBulk(System.Text.Encoding.Latin1.GetBytes(n));
    }

    private static void NumSub(CommandContext c, bool shard)
    {
        c.Reply.WriteArrayHeader((c.ArgCount - 2) * 2);
        for (int i = 2; i < c.ArgCount; i++)
        {
            c.Reply.WriteBulk(c.Arg(i));
            c.Reply.WriteInteger(c.Server.PubSub.Subscribers(Name(c.Arg(i)), shard));
        }
    }
}
