using System.Text;
using Arrakis.Server.Commands;
using Arrakis.Server.Lua;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Scripting;

/// <summary>
/// A sandboxed Lua state with Redis's <c>redis</c> library, and running one script or function in
/// it: the call in protected mode, Redis's error texts, the reply conversion, the time limit and
/// SCRIPT KILL / FUNCTION KILL. EVAL's engine and the functions' engine each own one, as in Redis.
/// </summary>
internal abstract class LuaHost(ServerState server) : ILuaHost
{
    /// <summary>Instructions between checks of the time limit and of a kill request (Redis's hook period).</summary>
    private const int HookInstructions = 100_000;

    private static readonly byte[] SandboxChunk = LoadSandbox();

    private volatile ScriptRun? _running;
    private string? _unavailable;

    public ServerState Server { get; } = server;

    /// <summary>Held while the state is used; taken after the keyspace's stripes, never before.</summary>
    protected Lock Gate { get; } = new();

    protected LuaState? Lua { get; private set; }

    /// <summary>The script or function running now (null when none).</summary>
    public ScriptRun? Running => _running;

    /// <summary>Bytes Lua holds (used_memory_lua / used_memory_vm_functions): as of now, or as of the
    /// end of the last call when a script is running (INFO must not wait for it).</summary>
    public long UsedMemory => Figure(ref _usedMemory, () => Lua?.UsedMemory ?? 0);

    private long _usedMemory;

    /// <summary>A figure for INFO and FUNCTION STATS read under the gate when it is free, else its last
    /// value: those commands run while a script holds the gate (FUNCTION STATS even while it is busy).</summary>
    protected T Figure<T>(ref T cache, Func<T> read)
    {
        if (!Gate.TryEnter()) return cache;
        try
        {
            cache = read();
            return cache;
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>Creates the state on first use; replies an error and returns false when Lua cannot be loaded.</summary>
    protected bool EnsureState(CommandContext ctx)
    {
        if (TryEnsureState(out string error)) return true;
        ctx.Error("ERR Lua scripting is unavailable on this server: " + error);
        return false;
    }

    /// <summary>Creates the state on first use; false with the reason when Lua cannot be loaded.</summary>
    protected bool TryEnsureState(out string unavailable)
    {
        unavailable = "";
        if (Lua is not null) return true;
        if (_unavailable is null)
        {
            var lua = LuaState.TryCreate(this, out string error);
            if (lua is not null && !Initialize(lua, out error))
            {
                lua.Dispose();
                lua = null;
            }
            if (lua is null)
            {
                _unavailable = error;
                Server.Log.LogError("Lua scripting is unavailable: {Error} (Debian packages liblua5.1-0, lua-cjson and lua-bitop are needed)", error);
            }
            Lua = lua;
        }
        if (Lua is not null) return true;
        unavailable = _unavailable ?? "";
        return false;
    }

    /// <summary>Drops the state (SCRIPT FLUSH, FUNCTION FLUSH): the next use creates a fresh one.</summary>
    protected void ResetState()
    {
        Lua?.Dispose();
        Lua = null;
    }

    private bool Initialize(LuaState lua, out string error)
    {
        lua.PushValue(LuaApi.GlobalsIndex);
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.G");
        lua.NewTable();
        foreach (var (name, id) in RedisLibrary.Functions)
        {
            lua.PushFunction(id);
            lua.RawSetField(-2, name);
        }
        RedisLibrary.SetConstants(lua);
        lua.RawSetField(LuaApi.GlobalsIndex, "redis");
        OnStateCreated(lua);
        if (lua.Load(SandboxChunk, "=sandbox") != LuaStatus.Ok || lua.PCall(0, 1, 0) != LuaStatus.Ok)
        {
            error = "the sandbox failed: " + lua.ToText(-1);
            return false;
        }
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.switch"); // what the sandbox returned: swaps the globals' API
        lua.SetTop(0);
        error = "";
        return true;
    }

    /// <summary>Called once per new state, before the sandbox locks the globals.</summary>
    protected virtual void OnStateCreated(LuaState lua)
    {
    }

    protected abstract void LogScriptError(string message);

    /// <summary>Calls the function on top (its <paramref name="argCount"/> arguments above it, the
    /// error handler at <paramref name="handler"/>) and replies its result or its error.</summary>
    protected void Invoke(ScriptRun run, int argCount, int handler)
    {
        var ctx = run.Caller;
        var lua = Lua!;
        int savedDb = ctx.Session.Db;
        _running = run;
        try
        {
            lua.SetMemoryLimit(Server.Options.LuaMaxMemory);
            lua.SetHook(HookInstructions);
            var status = lua.PCall(argCount, 1, handler);
            lua.SetHook(0);
            if (run.Abandoned) Durability.EffectRecorder.Current?.DiscardPending();
            if (status == LuaStatus.Ok) LuaToResp.Write(lua, ctx.Reply, run.Resp);
            else ReplyError(run, lua, status);
            if (status == LuaStatus.OutOfMemory)
            {
                lua.SetTop(0);
                lua.CollectGarbage(); // give back what the script left before it hit the cap
            }
        }
        finally
        {
            lua.SetHook(0);
            lua.SetTop(0);
            ctx.Session.Db = savedDb; // SELECT inside a script does not change the caller's database (7.0)
            _running = null;
            if (run.Busy) EndBusy(run);
        }
    }

    private void ReplyError(ScriptRun run, LuaState lua, LuaStatus status)
    {
        string message;
        if (lua.TypeAt(-1) == LuaType.Table)
        {
            lua.RawGetField(-1, "err");
            string err = lua.TypeAt(-1) is LuaType.String or LuaType.Number ? lua.ToText(-1) : "ERR unknown error (an error table without an err field)";
            lua.RawGetField(-2, "source");
            lua.RawGetField(-3, "line");
            bool located = lua.TypeAt(-2) == LuaType.String && lua.TypeAt(-1) == LuaType.Number;
            message = located
                ? $"{err} script: {run.Name}, on {lua.ToText(-2)}:{LuaNumbers.ToInt64(lua.ToNumber(-1))}."
                : $"{err} script: {run.Name}";
        }
        else
        {
            string text = lua.TypeAt(-1) is LuaType.String or LuaType.Number ? lua.ToText(-1) : lua.TypeAt(-1).ToString().ToLowerInvariant();
            message = status == LuaStatus.OutOfMemory
                ? $"ERR Error running script (call to {run.Name}): out of memory"
                : $"ERR Error running script (call to {run.Name}): {text}";
        }
        LogScriptError(message);
        run.Caller.Error(message);
    }

    int ILuaHost.Call(LuaState lua, int id)
    {
        var run = _running;
        if (run is null && !IsLoading)
        {
            lua.PushString("redis library called outside of a script");
            return -1;
        }
        return RedisLibrary.Call(this, run, lua, id);
    }

    /// <summary>True while a functions library loads (its code runs without a <see cref="ScriptRun"/>).</summary>
    protected virtual bool IsLoading => false;

    /// <summary>The hook fired outside a script run (a library loading): true stops it with the value pushed.</summary>
    protected virtual bool HookWithoutRun(LuaState lua) => false;

    bool ILuaHost.Hook(LuaState lua)
    {
        var run = _running;
        if (run is null) return HookWithoutRun(lua);
        if (!run.Busy && run.ElapsedMs >= Server.Options.BusyReplyThresholdMs) BeginBusy(run);
        if (run.Busy) run.Caller.Thread.ServeWhileBusy(run.Caller);
        if (!run.KillRequested) return false;
        // Raise again at every instruction, so that a pcall inside the script cannot swallow the kill.
        lua.SetHook(1);
        lua.NewTable(0, 1);
        lua.PushString(run.IsFunction ? "ERR Script killed by user with FUNCTION KILL..." : "ERR Script killed by user with SCRIPT KILL...");
        lua.RawSetField(-2, "err");
        return true;
    }

    private void BeginBusy(ScriptRun run)
    {
        run.Busy = true;
        Interlocked.Increment(ref Server.Keyspace.BusyScripts);
        Server.Log.LogWarning("Slow script detected: still in execution after {Elapsed} milliseconds. You can try killing the script using the {Kill} command. Script name is: {Name}.",
            (long)run.ElapsedMs, run.IsFunction ? "FUNCTION KILL" : "SCRIPT KILL", run.Name);
    }

    private void EndBusy(ScriptRun run)
    {
        Interlocked.Decrement(ref Server.Keyspace.BusyScripts);
        Server.Log.LogWarning("Slow script finished in {Elapsed} milliseconds ({Name}).", (long)run.ElapsedMs, run.Name);
    }

    /// <summary>SCRIPT KILL / FUNCTION KILL: asks the running script to stop (NOTBUSY / UNKILLABLE / BUSY as Redis answers).</summary>
    public void Kill(CommandContext ctx, bool function, LuaHost other)
    {
        var run = _running ?? other._running;
        if (run is null)
        {
            ctx.Error("NOTBUSY No scripts in execution right now.");
            return;
        }
        if (run.Wrote)
        {
            ctx.Error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
            return;
        }
        if (run.IsFunction != function)
        {
            ctx.Error(run.IsFunction
                ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            return;
        }
        run.KillRequested = true;
        ctx.Reply.WriteOk();
    }

    /// <summary>SHUTDOWN NOSAVE while a script is busy: the script stops even if it wrote, and what it
    /// changed is not logged (Redis exits without propagating a script cut in the middle).</summary>
    public void Abandon()
    {
        if (_running is not { } run) return;
        run.Abandoned = true;
        run.KillRequested = true;
    }

    private static byte[] LoadSandbox()
    {
        using var stream = typeof(LuaHost).Assembly.GetManifestResourceStream("Arrakis.Server.Scripting.sandbox.lua")
            ?? throw new InvalidOperationException("sandbox.lua is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    internal static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
