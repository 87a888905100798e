using System.Text;
using Arrakis.Server.Commands;
using Arrakis.Server.Lua;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Scripting;

/// <summary>
/// Redis 7 functions: libraries loaded with FUNCTION LOAD (<c>#!lua name=lib</c>), their functions
/// registered with <c>redis.register_function</c>, called with FCALL. One Lua state for all of
/// them, apart from EVAL's, as in Redis.
/// </summary>
/// <remarks>Thread-safety as <see cref="ScriptEngine"/>: the gate is taken after the stripes (FCALL
/// holds every stripe through the dispatcher).</remarks>
internal sealed class FunctionEngine(ServerState server) : LuaHost(server)
{
    private const int RegisterFunction = RedisLibrary.FirstEngineId;

    private readonly SortedDictionary<string, FunctionLibrary> _libraries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FunctionInfo> _functions = new(StringComparer.Ordinal);

    /// <summary>Functions registered by the library being loaded (null outside FUNCTION LOAD).</summary>
    private FunctionLibrary? _loading;
    private long _loadStarted;

    /// <summary>A library's code gets this long to register its functions (Redis's load timeout).</summary>
    private const int LoadTimeoutMs = 500;
    private const int LoadHookInstructions = 100_000;

    protected override bool IsLoading => _loading is not null;

    protected override bool HookWithoutRun(LuaState lua)
    {
        if (_loading is null || System.Diagnostics.Stopwatch.GetElapsedTime(_loadStarted).TotalMilliseconds < LoadTimeoutMs) return false;
        lua.PushString("FUNCTION LOAD timeout");
        return true;
    }

    public int LibraryCount => Figure(ref _libraryCount, () => _libraries.Count);

    public int FunctionCount => Figure(ref _functionCount, () => _functions.Count);

    /// <summary>Bytes of library code (part of used_memory_scripts).</summary>
    public long CodeBytes => Figure(ref _codeBytes, () => _libraries.Values.Sum(l => (long)l.Code.Length));

    private int _libraryCount, _functionCount;
    private long _codeBytes;

    /// <summary>The libraries' code in name order (FUNCTION DUMP, snapshots).</summary>
    public List<byte[]> Codes()
    {
        lock (Gate) return _libraries.Values.Select(l => l.Code).ToList();
    }

    public List<FunctionLibrary> Libraries()
    {
        lock (Gate) return _libraries.Values.ToList();
    }

    /// <summary>FCALL / FCALL_RO: name numkeys key... arg...</summary>
    public void Call(CommandContext ctx, bool readOnly)
    {
        lock (Gate)
        {
            // Redis looks the function up before it checks numkeys.
            if (!_functions.TryGetValue(Encoding.UTF8.GetString(ctx.Arg(1)), out var function))
            {
                ctx.Error("ERR Function not found");
                return;
            }
            if (!ctx.TryArgLong(2, out long numKeys, "ERR Bad number of keys provided")) return;
            if (numKeys > ctx.ArgCount - 3)
            {
                ctx.Error("ERR Number of keys can't be greater than number of args");
                return;
            }
            if (numKeys < 0)
            {
                ctx.Error("ERR Number of keys can't be negative");
                return;
            }
            if (readOnly && (function.Flags & ScriptFlags.NoWrites) == 0)
            {
                ctx.Error("ERR Can not execute a script with write flag using *_ro command.");
                return;
            }
            if (!EnsureState(ctx)) return;
            var run = new ScriptRun(ctx, function.Name, function.Flags, readOnly, isFunction: true);
            var lua = Lua!;
            lua.SetTop(0);
            lua.RawGetField(LuaApi.RegistryIndex, "arrakis.G");
            lua.RawGetField(1, "__redis__err__handler");
            lua.RawGetField(LuaApi.RegistryIndex, "arrakis.functions");
            lua.PushString(function.Name);
            lua.RawGet(-2);
            lua.Remove(-2);
            PushArgs(lua, ctx, 3, (int)numKeys);
            PushArgs(lua, ctx, 3 + (int)numKeys, ctx.ArgCount - 3 - (int)numKeys);
            Invoke(run, argCount: 2, handler: 2);
        }
    }

    private static void PushArgs(LuaState lua, CommandContext ctx, int first, int count)
    {
        lua.NewTable(count, 0);
        for (int i = 0; i < count; i++)
        {
            lua.PushBytes(ctx.Arg(first + i));
            lua.RawSetI(-2, i + 1);
        }
    }

    /// <summary>FUNCTION LOAD: replies the library name, or Redis's error; <paramref name="replace"/> swaps a library of the same name.</summary>
    public string? Load(byte[] code, bool replace, out string? error)
    {
        lock (Gate)
        {
            if (!TryEnsureState(out string unavailable))
            {
                error = "ERR Lua scripting is unavailable on this server: " + unavailable;
                return null;
            }
            return LoadLocked(code, replace, out error);
        }
    }

    private string? LoadLocked(byte[] code, bool replace, out string? error)
    {
        if (!FunctionShebang.TryParse(code, out string name, out error)) return null;
        if (_libraries.TryGetValue(name, out var existing) && !replace)
        {
            error = $"ERR Library '{name}' already exists";
            return null;
        }
        var lua = Lua!;
        var library = new FunctionLibrary(name, code);
        // The shebang line stays as a comment, so line numbers in errors are the library's own.
        byte[] chunk = [(byte)'-', (byte)'-', .. code];
        lua.SetTop(0);
        if (lua.Load(chunk, "@user_function") != LuaStatus.Ok)
        {
            error = "ERR Error compiling function: " + lua.ToText(-1);
            lua.SetTop(0);
            return null;
        }
        lua.NewTable();
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.loading");
        SwitchApi(lua, loading: true);
        _loading = library;
        _loadStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        LuaStatus status;
        try
        {
            lua.SetMemoryLimit(Server.Options.LuaMaxMemory);
            lua.SetHook(LoadHookInstructions);
            status = lua.PCall(0, 0, 0);
        }
        finally
        {
            lua.SetHook(0);
            _loading = null;
            SwitchApi(lua, loading: false);
        }
        if (status != LuaStatus.Ok)
        {
            error = "ERR Error registering functions: " + ErrorText(lua);
            lua.SetTop(0);
            return null;
        }
        lua.SetTop(0);
        if (library.Functions.Count == 0)
        {
            error = "ERR No functions registered";
            return null;
        }
        foreach (var f in library.Functions)
        {
            if (_functions.TryGetValue(f.Name, out var other) && other.Library != existing)
            {
                error = $"ERR Function {f.Name} already exists";
                return null;
            }
        }
        if (existing is not null) Remove(existing);
        lua.RawGetField(LuaApi.RegistryIndex, "arrakis.functions");
        lua.RawGetField(LuaApi.RegistryIndex, "arrakis.loading");
        foreach (var f in library.Functions)
        {
            lua.PushString(f.Name);
            lua.PushString(f.Name);
            lua.RawGet(2);
            lua.RawSet(1);
            _functions[f.Name] = f;
        }
        lua.SetTop(0);
        _libraries[name] = library;
        Recount();
        error = null;
        return name;
    }

    private static string ErrorText(LuaState lua)
    {
        if (lua.TypeAt(-1) == LuaType.Table)
        {
            lua.RawGetField(-1, "err");
            return lua.TypeAt(-1) is LuaType.String or LuaType.Number ? lua.ToText(-1) : "ERR unknown error";
        }
        string text = lua.TypeAt(-1) is LuaType.String or LuaType.Number ? lua.ToText(-1) : "unknown error";
        return "ERR " + text;
    }

    /// <summary>Shows the loading API (register_function, log, LOG_*, versions) or the full one again.</summary>
    private static void SwitchApi(LuaState lua, bool loading)
    {
        lua.RawGetField(LuaApi.RegistryIndex, "arrakis.switch");
        if (loading)
        {
            lua.NewTable();
            lua.NewTable();
            lua.PushFunction(RegisterFunction);
            lua.RawSetField(-2, "register_function");
            lua.RawGetField(LuaApi.RegistryIndex, "arrakis.redis");
            foreach (var name in new[] { "log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM" })
            {
                lua.RawGetField(-1, name);
                lua.RawSetField(-3, name);
            }
            lua.Pop(1);
            lua.RawSetField(-2, "redis");
        }
        else
        {
            lua.PushNil();
        }
        lua.PCall(1, 0, 0);
    }

    protected override void OnStateCreated(LuaState lua)
    {
        lua.NewTable();
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.functions");
        // The real redis table, before the sandbox wraps it (the loading API copies from it).
        lua.RawGetField(LuaApi.GlobalsIndex, "redis");
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.redis");
    }

    protected override void LogScriptError(string message) =>
        Server.Log.LogDebug("function error: {Message}", message);

    /// <summary>redis.register_function while a library loads.</summary>
    internal int CallEngineFunction(LuaState lua, int id)
    {
        if (id != RegisterFunction || _loading is null) return RedisLibrary.Raise(lua, "redis.register_function can only be called on FUNCTION LOAD command");
        return FunctionRegistration.Register(lua, _loading, this);
    }

    /// <summary>Registers during load: called by <see cref="FunctionRegistration"/> with the callback on top.</summary>
    internal void StoreCallback(LuaState lua, string name)
    {
        lua.RawGetField(LuaApi.RegistryIndex, "arrakis.loading");
        lua.PushString(name);
        lua.PushValue(-3);
        lua.RawSet(-3);
        lua.Pop(1);
    }

    private void Remove(FunctionLibrary library)
    {
        _libraries.Remove(library.Name);
        var lua = Lua!;
        lua.RawGetField(LuaApi.RegistryIndex, "arrakis.functions");
        foreach (var f in library.Functions)
        {
            _functions.Remove(f.Name);
            lua.PushString(f.Name);
            lua.PushNil();
            lua.RawSet(-3);
        }
        lua.Pop(1);
        Recount();
    }

    /// <summary>The counts FUNCTION STATS and INFO read while a function holds the gate, kept current by every
    /// change (a reader that finds the gate free reads them afresh anyway).</summary>
    private void Recount()
    {
        _libraryCount = _libraries.Count;
        _functionCount = _functions.Count;
        _codeBytes = _libraries.Values.Sum(l => (long)l.Code.Length);
    }

    /// <summary>FUNCTION DELETE: false when there is no such library.</summary>
    public bool Delete(string name)
    {
        lock (Gate)
        {
            if (!_libraries.TryGetValue(name, out var library)) return false;
            Remove(library);
            return true;
        }
    }

    /// <summary>FUNCTION FLUSH: every library goes, and the state with them.</summary>
    public void Flush()
    {
        lock (Gate)
        {
            _libraries.Clear();
            _functions.Clear();
            Recount();
            ResetState();
        }
    }

    /// <summary>FUNCTION RESTORE with policy FLUSH, APPEND or REPLACE; returns Redis's error or null.</summary>
    public string? Restore(List<byte[]> codes, string policy)
    {
        lock (Gate)
        {
            if (!TryEnsureState(out string unavailable)) return "ERR Lua scripting is unavailable on this server: " + unavailable;
            if (policy == "APPEND")
            {
                foreach (var code in codes)
                {
                    if (FunctionShebang.TryParse(code, out string name, out _) && _libraries.ContainsKey(name)) return $"ERR Library {name} already exists";
                }
            }
            if (policy == "FLUSH")
            {
                _libraries.Clear();
                _functions.Clear();
                Recount();
                ResetState();
                if (!TryEnsureState(out unavailable)) return "ERR Lua scripting is unavailable on this server: " + unavailable;
            }
            foreach (var code in codes)
            {
                if (LoadLocked(code, replace: policy != "APPEND", out string? error) is null) return error;
            }
            return null;
        }
    }
}
