using Arrakis.Server.Commands;
using Arrakis.Server.Lua;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Scripting;

/// <summary>
/// The <c>redis</c> table scripts see, as Redis 7.0 has it: call, pcall, log, setresp, sha1hex,
/// error_reply, status_reply, set_repl, replicate_commands, breakpoint, debug, acl_check_cmd, and
/// the LOG_*, REPL_* and version constants.
/// </summary>
/// <remarks>Runs inside Lua callbacks: uses only the state's non-raising operations. Returns the
/// number of results pushed, or -1 with the error value on top (the shim raises it).</remarks>
internal static class RedisLibrary
{
    private const int Call_ = 1, PCall = 2, Log = 3, SetResp = 4, Sha1Hex = 5, ErrorReply = 6, StatusReply = 7,
        SetRepl = 8, ReplicateCommands = 9, Breakpoint = 10, Debug = 11, AclCheckCmd = 12;

    /// <summary>Ids from here on belong to the engine that owns the state (functions' register_function).</summary>
    public const int FirstEngineId = 100;

    public static readonly (string Name, int Id)[] Functions =
    [
        ("call", Call_), ("pcall", PCall), ("log", Log), ("setresp", SetResp), ("sha1hex", Sha1Hex),
        ("error_reply", ErrorReply), ("status_reply", StatusReply), ("set_repl", SetRepl),
        ("replicate_commands", ReplicateCommands), ("breakpoint", Breakpoint), ("debug", Debug),
        ("acl_check_cmd", AclCheckCmd),
    ];

    public static void SetConstants(LuaState lua)
    {
        (string, double)[] numbers =
        [
            ("LOG_DEBUG", 0), ("LOG_VERBOSE", 1), ("LOG_NOTICE", 2), ("LOG_WARNING", 3),
            ("REPL_NONE", 0), ("REPL_AOF", 1), ("REPL_SLAVE", 2), ("REPL_REPLICA", 2), ("REPL_ALL", 3),
            ("REDIS_VERSION_NUM", 0x07000f),
        ];
        foreach (var (name, value) in numbers)
        {
            lua.PushNumber(value);
            lua.RawSetField(-2, name);
        }
        lua.PushString("7.0.15");
        lua.RawSetField(-2, "REDIS_VERSION");
    }

    public static int Call(LuaHost host, ScriptRun? run, LuaState lua, int id)
    {
        switch (id)
        {
            case Call_:
            case PCall:
                if (run is null) return Raise(lua, "redis.call is not available while a library loads");
                return ScriptCall.Run(host, run, lua, raise: id == Call_);
            case Log:
                return LogMessage(host, lua);
            case SetResp:
                if (run is null) return Raise(lua, "redis.setresp is not available while a library loads");
                if (lua.Top != 1) return Raise(lua, "redis.setresp() requires one argument.");
                int resp = (int)LuaNumbers.ToInt64(lua.ToNumber(1));
                if (resp is not (2 or 3)) return Raise(lua, "RESP version must be 2 or 3.");
                run.Resp = resp;
                return 0;
            case Sha1Hex:
                if (lua.Top != 1) return Raise(lua, "wrong number of arguments");
                lua.PushString(ScriptEngine.Sha1Hex(lua.TypeAt(1) is LuaType.String or LuaType.Number ? lua.ToBytes(1) : default));
                return 1;
            case ErrorReply:
            case StatusReply:
                return Reply(lua, id == ErrorReply ? "err" : "ok");
            case SetRepl:
                if (lua.Top != 1) return Raise(lua, "redis.set_repl() requires two arguments.");
                long flags = LuaNumbers.ToInt64(lua.ToNumber(1));
                if (flags is < 0 or > 3) return Raise(lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
                return 0;
            case ReplicateCommands:
                lua.PushBoolean(true);
                return 1;
            case Breakpoint:
                lua.PushBoolean(false);
                return 1;
            case Debug:
                return 0;
            case AclCheckCmd:
                return AclCheck(host, lua);
            default:
                return host is FunctionEngine functions ? functions.CallEngineFunction(lua, id) : Raise(lua, "unknown redis library function");
        }
    }

    /// <summary>Raises a plain message (the error handler makes it "ERR message").</summary>
    public static int Raise(LuaState lua, string message)
    {
        lua.PushString(message);
        return -1;
    }

    /// <summary>Pushes {err=message}; for redis.call it is raised, for redis.pcall returned.</summary>
    public static int ErrorTable(LuaState lua, string message, bool raise)
    {
        lua.NewTable();
        lua.PushString(message);
        lua.RawSetField(-2, "err");
        MarkCounted(lua);
        return raise ? -1 : 1;
    }

    /// <summary>Redis marks the error tables of redis.call/pcall (already counted in errorstats) with
    /// ignore_error_stats_update = true, after err; scripts can see the field.</summary>
    public static void MarkCounted(LuaState lua)
    {
        lua.PushBoolean(true);
        lua.RawSetField(-2, "ignore_error_stats_update");
    }

    private static int Reply(LuaState lua, string field)
    {
        if (lua.Top != 1 || lua.TypeAt(1) != LuaType.String) return ErrorTable(lua, "ERR wrong number or type of arguments", raise: false);
        var text = lua.ToBytes(1);
        lua.NewTable();
        if (field == "err")
        {
            // Redis's luaPushErrorBuff: the text (one leading '-' dropped) is "CODE message" when it has a
            // space; without one it gets the code "ERR ".
            var t = text.Length > 0 && text[0] == '-' ? text[1..] : text;
            byte[] message = t.IndexOf((byte)' ') >= 0 ? t.ToArray() : [.. "ERR "u8, .. t];
            lua.PushBytes(message);
        }
        else
        {
            lua.PushBytes(text);
        }
        lua.RawSetField(-2, field);
        return 1;
    }

    private static int LogMessage(LuaHost host, LuaState lua)
    {
        int argc = lua.Top;
        if (argc < 2) return Raise(lua, "redis.log() requires two arguments or more.");
        if (lua.TypeAt(1) != LuaType.Number) return Raise(lua, "First argument must be a number (log level).");
        long level = LuaNumbers.ToInt64(lua.ToNumber(1));
        if (level is < 0 or > 3) return Raise(lua, "Invalid debug level.");
        var text = new System.Text.StringBuilder();
        for (int i = 2; i <= argc; i++)
        {
            if (lua.TypeAt(i) is not (LuaType.String or LuaType.Number)) continue;
            if (text.Length > 0) text.Append(' ');
            text.Append(LuaHost.Text(lua.ToBytes(i)));
        }
        var logLevel = level switch { 0 => LogLevel.Debug, 1 => LogLevel.Debug, 2 => LogLevel.Information, _ => LogLevel.Warning };
        host.Server.Log.Log(logLevel, "script: {Message}", text.ToString());
        return 0;
    }

    private static int AclCheck(LuaHost host, LuaState lua)
    {
        if (lua.Top == 0) return Raise(lua, "Please specify at least one argument for this redis lib call");
        if (lua.TypeAt(1) is not (LuaType.String or LuaType.Number)) return Raise(lua, "Lua redis lib command arguments must be strings or integers");
        var def = host.Server.Commands.Find(lua.ToBytes(1));
        if (def is null) return Raise(lua, "Invalid command passed to redis.acl_check_cmd()");
        lua.PushBoolean(true); // no ACL users: the default user may run every command
        return 1;
    }
}
