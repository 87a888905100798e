using Arrakis.Server.Commands;
using Arrakis.Server.Lua;

namespace Arrakis.Server.Scripting;

/// <summary>
/// redis.call and redis.pcall: the checks Redis 7.0 makes before a script's command runs (with its
/// error texts), the command itself through the dispatcher (the script already holds every
/// stripe), and its reply converted to Lua.
/// </summary>
internal static class ScriptCall
{
    public static int Run(LuaHost host, ScriptRun run, LuaState lua, bool raise)
    {
        int argc = lua.Top;
        if (argc == 0) return RedisLibrary.ErrorTable(lua, "ERR Please specify at least one argument for this redis lib call", raise);
        var args = new byte[argc][];
        for (int i = 0; i < argc; i++)
        {
            switch (lua.TypeAt(i + 1))
            {
                case LuaType.Number:
                    args[i] = LuaNumbers.Format(lua.ToNumber(i + 1));
                    break;
                case LuaType.String:
                    args[i] = lua.ToBytes(i + 1).ToArray();
                    break;
                default:
                    return RedisLibrary.ErrorTable(lua, "ERR Lua redis lib command arguments must be strings or integers", raise);
            }
        }
        var server = run.Caller.Server;
        var def = server.Commands.Find(args[0]);
        if (def is not null && def.IsContainer && argc >= 2) def = def.FindSubcommand(args[1]);
        if (def?.Handler is null) return RedisLibrary.ErrorTable(lua, "ERR Unknown Redis command called from script", raise);
        if (!def.ArityMatches(argc)) return RedisLibrary.ErrorTable(lua, "ERR Wrong number of args calling Redis command from script", raise);
        if (def.NoScript) return RedisLibrary.ErrorTable(lua, "ERR This Redis command is not allowed from script", raise);
        if (def.IsWrite)
        {
            if (run.ReadOnly) return RedisLibrary.ErrorTable(lua, "ERR Write commands are not allowed from read-only scripts.", raise);
            if (server.Durable is { } durable && durable.WriteRefusal(RequestBytes(args)) is int errno && errno != 0)
                return RedisLibrary.ErrorTable(lua, "MISCONF Errors writing to the AOF file: " + Arrakis.IoBypass.Block.BlockErrno.Describe(errno), raise);
            run.Wrote = true;
        }
        run.Capture.Clear();
        var inner = run.Inner;
        inner.UseExternal(args, run.Resp == 3 ? run.Writer3 : run.Writer2, run.Capture);
        CommandDispatcher.Run(inner, def);
        bool isError = RespToLua.Push(lua, run.Capture.WrittenSpan);
        return isError && raise ? -1 : 1;
    }

    private static long RequestBytes(byte[][] args)
    {
        long n = 0;
        foreach (var a in args) n += a.Length + 16;
        return n;
    }
}
