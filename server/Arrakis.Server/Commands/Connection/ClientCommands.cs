using System.Globalization;
using System.Text;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Connection;

/// <summary>CLIENT ID / SETNAME / GETNAME / LIST / INFO / KILL / SETINFO / NO-EVICT / REPLY.</summary>
internal static class ClientCommands
{
    public const string BadNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["client|id"] = c => c.Reply.WriteInteger(c.Session.Id);
        h["client|setname"] = SetName;
        h["client|getname"] = c =>
        {
            if (c.Session.Name.Length == 0) c.Reply.WriteNull();
            else c.Reply.WriteBulk(c.Session.Name);
        };
        h["client|list"] = List;
        h["client|info"] = c => c.Reply.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(Describe(c.Session, c.Server, Runtime.ServerClock.MonotonicMs, ArgvMemory(c)) + "\n"));
        h["client|kill"] = Kill;
        h["client|setinfo"] = SetInfo;
        h["client|no-evict"] = NoEvict;
        h["client|reply"] = Reply;
        h["client|unblock"] = Unblock;
    }

    /// <summary>Redis allows names of printable ASCII without spaces.</summary>
    public static bool ValidName(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b < '!' || b > '~') return false;
        }
        return true;
    }

    private static void SetName(CommandContext c)
    {
        if (!ValidName(c.Arg(2)))
        {
            c.Error(BadNameError);
            return;
        }
        c.Session.Name = c.ArgString(2);
        c.Reply.WriteOk();
    }

    private static void SetInfo(CommandContext c)
    {
        if (c.ArgCount != 4)
        {
            c.Error(Errors.WrongArgs("client|setinfo"));
            return;
        }
        var value = c.Arg(3);
        foreach (byte b in value)
        {
            if (b < '!' || b > '~')
            {
                c.Error($"ERR {c.ArgText(2)} cannot contain spaces, newlines or special characters.");
                return;
            }
        }
        if (c.ArgIs(2, "LIB-NAME")) c.Session.LibName = c.ArgString(3);
        else if (c.ArgIs(2, "LIB-VER")) c.Session.LibVersion = c.ArgString(3);
        else
        {
            c.Error($"ERR Unrecognized option '{c.ArgText(2)}'");
            return;
        }
        c.Reply.WriteOk();
    }

    private static void NoEvict(CommandContext c)
    {
        if (c.ArgIs(2, "ON")) c.Session.NoEvict = true;
        else if (c.ArgIs(2, "OFF")) c.Session.NoEvict = false;
        else
        {
            c.SyntaxError();
            return;
        }
        c.Reply.WriteOk();
    }

    private static void Reply(CommandContext c)
    {
        if (c.ArgIs(2, "ON"))
        {
            c.Session.ReplyMode = ReplyMode.On;
            c.Reply.WriteOk();
        }
        else if (c.ArgIs(2, "OFF")) c.Session.ReplyMode = ReplyMode.Off;
        else if (c.ArgIs(2, "SKIP")) c.Session.ReplyMode = ReplyMode.Skip;
        else c.SyntaxError();
    }

    /// <summary>Redis's getClientType as CLIENT LIST / KILL TYPE see it: subscribed clients are
    /// "pubsub", everyone else (MONITOR included) "normal"; there are no replicas or masters here.</summary>
    private static string TypeOf(ClientSession s) => s.SubscriptionCount > 0 ? "pubsub" : "normal";

    private static bool TypeMatches(ClientSession s, string type) => type switch
    {
        "replica" or "slave" or "master" => false,
        _ => TypeOf(s) == type,
    };

    /// <summary>CLIENT LIST [TYPE type | ID id ...], as Redis 7.0 parses it: TYPE only as the one
    /// option; ID lists the given clients in the order given (unknown or non-positive ids match none).</summary>
    private static void List(CommandContext c)
    {
        var sb = new StringBuilder();
        long now = Runtime.ServerClock.MonotonicMs;
        void Line(ClientSession s) => sb.Append(Describe(s, c.Server, now, s == c.Session ? ArgvMemory(c) : 0)).Append('\n');
        if (c.ArgCount == 4 && c.ArgIs(2, "TYPE"))
        {
            string type = c.ArgString(3).ToLowerInvariant();
            if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
            {
                c.Error($"ERR Unknown client type '{c.ArgText(3)}'");
                return;
            }
            foreach (var s in c.Server.Clients.Snapshot())
            {
                if (TypeMatches(s, type)) Line(s);
            }
        }
        else if (c.ArgCount > 3 && c.ArgIs(2, "ID"))
        {
            var clients = c.Server.Clients.Snapshot().ToDictionary(s => s.Id);
            for (int i = 3; i < c.ArgCount; i++)
            {
                if (!Protocol.RespNumber.TryParseInt64(c.Arg(i), out long id))
                {
                    c.Error("ERR Invalid client ID");
                    return;
                }
                if (clients.TryGetValue(id, out var s)) Line(s);
            }
        }
        else if (c.ArgCount != 2)
        {
            c.SyntaxError();
            return;
        }
        else
        {
            foreach (var s in c.Server.Clients.Snapshot()) Line(s);
        }
        c.Reply.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>One CLIENT LIST line, with Redis 7.0's fields.</summary>
    /// <summary>argv-mem of the client running this command: its arguments' bytes (Redis counts the
    /// current command's argv; an idle client has none).</summary>
    private static long ArgvMemory(CommandContext c)
    {
        long n = 0;
        for (int i = 0; i < c.ArgCount; i++) n += c.Arg(i).Length;
        return n;
    }

    private const int StaticReplyBuffer = 16 * 1024; // Redis's PROTO_REPLY_CHUNK_BYTES: obl/oll/omem are measured against it

    public static string Describe(ClientSession s, Runtime.ServerState server, long now, long argvMem = 0)
    {
        var inv = CultureInfo.InvariantCulture;
        string flags = s.IsMonitor ? "O" : s.SubscriptionCount > 0 ? "P" : "";
        if (s.MultiQueue is not null) flags += "x";
        if (s.Blocked is not null) flags += "b";
        if (flags.Length == 0) flags = "N";
        if (s.NoEvict) flags += "e";
        string events = "r" + (s.Output.Pending > 0 ? "w" : "");
        return string.Create(inv,
            $"id={s.Id} addr={s.Remote} laddr={s.Local} fd={s.Connection} name={s.Name} age={(now - s.CreatedMs) / 1000} idle={(now - s.LastInteractionMs) / 1000} " +
            $"flags={flags} db={s.Db} sub={s.Channels.Count} psub={s.Patterns.Count} ssub={s.ShardChannels.Count} multi={(s.MultiQueue?.Count ?? -1)} qbuf={s.Input.Unparsed} qbuf-free={Math.Max(0, s.Input.Buffer.Length - s.Input.End)} " +
            $"argv-mem={argvMem + BlockedArgvMemory(s)} multi-mem={MultiMemory(s)} rbs={s.Input.Buffer.Length} rbp={s.Input.Buffer.Length} " +
            $"obl={Math.Min(s.Output.Pending, StaticReplyBuffer)} oll={(Math.Max(0, s.Output.Pending - StaticReplyBuffer) + StaticReplyBuffer - 1) / StaticReplyBuffer} " +
            $"omem={Math.Max(0, s.Output.Capacity - StaticReplyBuffer)} " +
            $"tot-mem={s.Input.Buffer.Length + s.Output.Capacity} events={events} cmd={s.LastCommand.ToLowerInvariant()} user=default redir=-1 resp={(int)s.Protocol} " +
            $"lib-name={s.LibName} lib-ver={s.LibVersion}");
    }

    /// <summary>Bytes of the arguments a blocked client keeps for its retry.</summary>
    private static long BlockedArgvMemory(ClientSession s) => s.Blocked is { } b ? b.Args.Sum(a => (long)a.Length) : 0;

    /// <summary>multi-mem: the queued commands' argument bytes plus a pointer per argument.</summary>
    private static long MultiMemory(ClientSession s)
    {
        var queue = s.MultiQueue;
        if (queue is null) return 0;
        long n = 0;
        foreach (var args in queue) n += args.Sum(a => (long)a.Length + IntPtr.Size);
        return n;
    }

    private static void Kill(CommandContext c)
    {
        var clients = c.Server.Clients.Snapshot();
        if (c.ArgCount == 3)
        {
            string addr = c.ArgString(2);
            var target = clients.FirstOrDefault(s => s.Remote == addr);
            if (target is null)
            {
                c.Error("ERR No such client");
                return;
            }
            Kill(c, target);
            c.Reply.WriteOk();
            return;
        }
        if (c.ArgCount % 2 != 0)
        {
            c.SyntaxError();
            return;
        }
        long? id = null;
        string? addrFilter = null, laddr = null, type = null, user = null;
        long maxAge = 0;
        bool skipMe = true;
        for (int i = 2; i < c.ArgCount; i += 2)
        {
            if (c.ArgIs(i, "ID"))
            {
                if (!Protocol.RespNumber.TryParseInt64(c.Arg(i + 1), out long v) || v <= 0)
                {
                    c.Error("ERR client-id should be greater than 0");
                    return;
                }
                id = v;
            }
            else if (c.ArgIs(i, "ADDR")) addrFilter = c.ArgString(i + 1);
            else if (c.ArgIs(i, "LADDR")) laddr = c.ArgString(i + 1);
            else if (c.ArgIs(i, "USER")) user = c.ArgString(i + 1);
            else if (c.ArgIs(i, "TYPE"))
            {
                type = c.ArgString(i + 1).ToLowerInvariant();
                if (type is not ("normal" or "master" or "replica" or "slave" or "pubsub"))
                {
                    c.Error($"ERR Unknown client type '{c.ArgText(i + 1)}'");
                    return;
                }
            }
            else if (c.ArgIs(i, "SKIPME"))
            {
                if (c.ArgIs(i + 1, "YES")) skipMe = true;
                else if (c.ArgIs(i + 1, "NO")) skipMe = false;
                else
                {
                    c.SyntaxError();
                    return;
                }
            }
            else if (c.ArgIs(i, "MAXAGE"))
            {
                if (!c.TryArgLong(i + 1, out maxAge)) return;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (user is not null && user != "default")
        {
            c.Error($"ERR No such user '{user}'");
            return;
        }
        long now = Runtime.ServerClock.MonotonicMs;
        int killed = 0;
        foreach (var s in clients)
        {
            if (id is not null && s.Id != id) continue;
            if (addrFilter is not null && s.Remote != addrFilter) continue;
            if (laddr is not null && s.Local != laddr) continue;
            if (type is not null && !TypeMatches(s, type)) continue;
            if (maxAge > 0 && (now - s.CreatedMs) / 1000 < maxAge) continue;
            if (skipMe && s == c.Session) continue;
            Kill(c, s);
            killed++;
        }
        c.Reply.WriteInteger(killed);
    }

    private static void Unblock(CommandContext c)
    {
        if (!c.TryArgLong(2, out long id)) return;
        bool error = false;
        if (c.ArgCount == 4)
        {
            if (c.ArgIs(3, "ERROR")) error = true;
            else if (!c.ArgIs(3, "TIMEOUT"))
            {
                c.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        else if (c.ArgCount > 4)
        {
            c.SyntaxError();
            return;
        }
        if (!c.Server.Clients.TryGet(id, out var target) || target.Blocked is not { } b || b.On == BlockedOn.SnapshotStart || !c.Server.Blocking.TryRemove(b))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var reply = error ? "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"u8.ToArray() : BlockingRegistry.TimeoutReply(b);
        target.Owner.Deliver(target, reply, b);
        c.Reply.WriteInteger(1);
    }

    private static void Kill(CommandContext c, ClientSession target)
    {
        if (target == c.Session)
        {
            target.CloseAfterReply = true;
            return;
        }
        target.KillRequested = true;
        target.Owner.RequestKillSweep();
    }
}
