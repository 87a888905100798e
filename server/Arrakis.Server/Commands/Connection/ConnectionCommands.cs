using Arrakis.Protocol;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Connection;

/// <summary>PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.</summary>
internal static class ConnectionCommands
{
    /// <summary>The Redis version we answer as: the one whose behaviour Arrakis reproduces.</summary>
    public const string RedisVersion = "7.0.15";

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["ping"] = Ping;
        h["echo"] = c => c.Reply.WriteBulk(c.Arg(1));
        h["hello"] = Hello;
        h["auth"] = Auth;
        h["select"] = Select;
        h["quit"] = Quit;
        h["reset"] = Reset;
    }

    private static void Ping(CommandContext c)
    {
        if (c.ArgCount > 2)
        {
            c.Error(Errors.WrongArgs("ping"));
            return;
        }
        if (c.Session.SubscriptionCount > 0 && !c.Reply.IsResp3)
        {
            // RESP2 clients in subscribed mode get PING's answer in the shape of a pub/sub message.
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk("pong"u8);
            c.Reply.WriteBulk(c.ArgCount == 2 ? c.Arg(1) : default);
            return;
        }
        if (c.ArgCount == 2) c.Reply.WriteBulk(c.Arg(1));
        else c.Reply.WriteRaw("+PONG\r\n"u8);
    }

    private static void Hello(CommandContext c)
    {
        var s = c.Session;
        int version = (int)s.Protocol;
        int i = 1;
        if (c.ArgCount >= 2)
        {
            if (!RespNumber.TryParseInt64(c.Arg(1), out long v))
            {
                c.Error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (v < 2 || v > 3)
            {
                c.Error("NOPROTO unsupported protocol version");
                return;
            }
            version = (int)v;
            i = 2;
        }
        string? name = null;
        for (; i < c.ArgCount; i++)
        {
            if (c.ArgIs(i, "AUTH") && c.ArgCount - i - 1 >= 2)
            {
                if (!TryAuthenticate(c, c.Arg(i + 1), c.Arg(i + 2))) return;
                i += 2;
            }
            else if (c.ArgIs(i, "SETNAME") && c.ArgCount - i - 1 >= 1)
            {
                if (!ClientCommands.ValidName(c.Arg(i + 1)))
                {
                    c.Error(ClientCommands.BadNameError);
                    return;
                }
                name = c.ArgString(i + 1);
                i++;
            }
            else
            {
                c.Error($"ERR Syntax error in HELLO option '{c.ArgText(i)}'");
                return;
            }
        }
        if (!s.Authenticated)
        {
            c.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name is not null) s.Name = name;
        s.Protocol = (RespVersion)version;
        s.Writer.Version = s.Protocol;
        var w = c.Reply;
        w.WriteMapHeader(7);
        w.WriteBulk("server"u8); w.WriteBulk("redis"u8);
        w.WriteBulk("version"u8); w.WriteBulk(RedisVersion);
        w.WriteBulk("proto"u8); w.WriteInteger(version);
        w.WriteBulk("id"u8); w.WriteInteger(s.Id);
        w.WriteBulk("mode"u8); w.WriteBulk("standalone"u8);
        w.WriteBulk("role"u8); w.WriteBulk("master"u8);
        w.WriteBulk("modules"u8); w.WriteArrayHeader(0);
    }

    private static void Auth(CommandContext c)
    {
        if (c.ArgCount > 3)
        {
            c.SyntaxError();
            return;
        }
        if (c.ArgCount == 2 && c.Server.Options.RequirePass.Length == 0)
        {
            c.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        var user = c.ArgCount == 3 ? c.Arg(1) : "default"u8;
        if (TryAuthenticate(c, user, c.Arg(c.ArgCount - 1))) c.Reply.WriteOk();
    }

    /// <summary>Checks the default user's password; replies WRONGPASS and returns false when it does not match.</summary>
    private static bool TryAuthenticate(CommandContext c, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        string required = c.Server.Options.RequirePass;
        bool ok = user.SequenceEqual("default"u8) &&
                  (required.Length == 0 || System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(password, System.Text.Encoding.UTF8.GetBytes(required)));
        if (!ok)
        {
            c.Error(Errors.WrongPass);
            return false;
        }
        c.Session.Authenticated = true;
        return true;
    }

    private static void Select(CommandContext c)
    {
        if (!c.TryArgLong(1, out long db)) return;
        if (db < 0 || db >= c.Server.Keyspace.Databases)
        {
            c.Error(Errors.DbIndexOutOfRange);
            return;
        }
        c.Session.Db = (int)db;
        c.Reply.WriteOk();
    }

    private static void Quit(CommandContext c)
    {
        c.Reply.WriteOk();
        c.Session.CloseAfterReply = true;
    }

    private static void Reset(CommandContext c)
    {
        var s = c.Session;
        s.Db = 0;
        s.Protocol = RespVersion.Resp2;
        s.Writer.Version = RespVersion.Resp2;
        s.Name = "";
        s.ReplyMode = ReplyMode.On;
        s.NoEvict = false;
        if (s.IsMonitor)
        {
            s.IsMonitor = false;
            c.Server.RemoveMonitor(s);
        }
        s.Authenticated = c.Server.Options.RequirePass.Length == 0;
        TransactionCommands.Discard(c);
        c.Server.PubSub.RemoveAll(s);
        c.Reply.WriteRaw("+RESET\r\n"u8);
    }
}
