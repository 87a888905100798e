using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
namespace Arrakis.Server.Commands.Keys;

/// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.</summary>
internal static class ExpireCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["expire"] = c => Expire(c, relative: true, seconds: true);
        h["pexpire"] = c => Expire(c, relative: true, seconds: false);
        h["expireat"] = c => Expire(c, relative: false, seconds: true);
        h["pexpireat"] = c => Expire(c, relative: false, seconds: false);
        h["ttl"] = c => Ttl(c, ms: false, absolute: false);
        h["pttl"] = c => Ttl(c, ms: true, absolute: false);
        h["expiretime"] = c => Ttl(c, ms: false, absolute: true);
        h["pexpiretime"] = c => Ttl(c, ms: true, absolute: true);
        h["persist"] = Persist;
    }

    private static void Expire(CommandContext c, bool relative, bool seconds)
    {
        bool nx = false, xx = false, gt = false, lt = false;
        for (int j = 3; j < c.ArgCount; j++)
        {
            if (c.ArgIs(j, "NX")) nx = true;
            else if (c.ArgIs(j, "XX")) xx = true;
            else if (c.ArgIs(j, "GT")) gt = true;
            else if (c.ArgIs(j, "LT")) lt = true;
            else
            {
                c.Error($"ERR Unsupported option {c.ArgText(j)}");
                return;
            }
        }
        if (nx && (xx || gt || lt))
        {
            c.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt)
        {
            c.Error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!c.TryArgLong(2, out long when)) return;
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                c.Error(Errors.InvalidExpire(c.Command.FullName));
                return;
            }
            when *= 1000;
        }
        long basetime = relative ? c.NowMs : 0;
        if (when > long.MaxValue - basetime)
        {
            c.Error(Errors.InvalidExpire(c.Command.FullName));
            return;
        }
        when += basetime;
        var db = c.Db;
        if (!db.TryFind(c.Arg(1), out var table, out int slot))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long current = table.Slot(slot).ExpireAt;
        if (current == 0) current = -1;
        if ((nx && current != -1) || (xx && current == -1) || (gt && (when <= current || current == -1)) || (lt && current != -1 && when >= current))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (when <= c.NowMs && !c.Server.Keyspace.Loading)
        {
            db.Delete(c.Arg(1));
            db.Notify(K.Generic, "del", c.Arg(1));
            Durability.EffectRecorder.Replace(c, "DEL"u8.ToArray(), c.ArgBytes(1));
        }
        else
        {
            db.SetExpire(table, slot, when);
            db.Notify(K.Generic, "expire", c.Arg(1));
        }
        c.Reply.WriteInteger(1);
    }

    private static void Ttl(CommandContext c, bool ms, bool absolute)
    {
        var db = c.Db;
        if (!db.TryFind(c.Arg(1), out var table, out int slot, touch: false))
        {
            c.Reply.WriteInteger(-2);
            return;
        }
        long expire = table.Slot(slot).ExpireAt;
        if (expire == 0)
        {
            c.Reply.WriteInteger(-1);
            return;
        }
        long ttl = absolute ? expire : expire - c.NowMs;
        if (ttl < 0) ttl = 0;
        c.Reply.WriteInteger(ms ? ttl : ttl / 1000 + (ttl % 1000 >= 500 ? 1 : 0)); // rounded, without overflow near 2^63
    }

    private static void Persist(CommandContext c)
    {
        var db = c.Db;
        if (!db.TryFind(c.Arg(1), out var table, out int slot) || table.Slot(slot).ExpireAt == 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        db.SetExpire(table, slot, 0);
        db.Notify(K.Generic, "persist", c.Arg(1));
        c.Reply.WriteInteger(1);
    }
}
