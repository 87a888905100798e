using System.Runtime.InteropServices;
using System.Text;

namespace Arrakis.Server.Lua;

/// <summary>
/// One Lua 5.1 interpreter with the libraries Redis 7.0 bundles, and a safe stack API over it.
/// </summary>
/// <remarks>Not thread-safe: one thread at a time (the caller serializes). Stack operations act on
/// the running coroutine while a callback runs, on the main thread otherwise. Spans returned by
/// <see cref="ToBytes"/> point into Lua's memory and are valid while the value stays on the stack.</remarks>
internal sealed unsafe class LuaState : IDisposable
{
    private static readonly string ModuleDirectory = "/usr/lib/" + (RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64") + "-linux-gnu/lua/5.1/";
    private static readonly string CJsonPath = ModuleDirectory + "cjson.so";
    private static readonly string BitPath = ModuleDirectory + "bit.so";

    [ThreadStatic] private static LuaState? t_running;
    private static int s_initialized;

    private nint _main;
    private nint _active;

    private LuaState(nint main, ILuaHost host)
    {
        _main = main;
        _active = main;
        Host = host;
    }

    public ILuaHost Host { get; }

    /// <summary>Creates a state, or returns null with the reason (a missing Debian package, typically).</summary>
    public static LuaState? TryCreate(ILuaHost host, out string error)
    {
        try
        {
            if (Interlocked.Exchange(ref s_initialized, 1) == 0) LuaApi.Init(&OnCall, &OnHook);
            byte* buffer = stackalloc byte[512];
            nint L = LuaApi.NewState(CJsonPath, BitPath, buffer, 512);
            if (L == 0)
            {
                error = Marshal.PtrToStringUTF8((nint)buffer) ?? "unknown error";
                return null;
            }
            error = "";
            return new LuaState(L, host);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Bytes the interpreter holds (Redis's used_memory_lua).</summary>
    public long UsedMemory => _main == 0 ? 0 : LuaApi.UsedMemory(_main);

    public int Top => LuaApi.GetTop(_active);

    public void SetTop(int index) => LuaApi.SetTop(_active, index);

    public void Pop(int n) => LuaApi.Pop(_active, n);

    public void PushValue(int index) => LuaApi.PushValue(_active, index);

    public void Remove(int index) => LuaApi.Remove(_active, index);

    public void Insert(int index) => LuaApi.Insert(_active, index);

    public bool CheckStack(int extra) => LuaApi.CheckStack(_active, extra) != 0;

    public LuaType TypeAt(int index) => (LuaType)LuaApi.Type(_active, index);

    public double ToNumber(int index) => LuaApi.ToNumber(_active, index);

    public bool ToBoolean(int index) => LuaApi.ToBoolean(_active, index) != 0;

    /// <summary>The string at <paramref name="index"/> (a number is converted in place, as lua_tolstring does).</summary>
    public ReadOnlySpan<byte> ToBytes(int index)
    {
        byte* p = LuaApi.ToLString(_active, index, out nuint length);
        return p == null ? default : new ReadOnlySpan<byte>(p, checked((int)length));
    }

    /// <summary>The string at <paramref name="index"/> byte for byte as Latin-1 (error texts keep their bytes).</summary>
    public string ToText(int index) => Encoding.Latin1.GetString(ToBytes(index));

    /// <summary>The length of a table's array part as the # operator gives it.</summary>
    public int Length(int index) => (int)Math.Min(int.MaxValue, (ulong)LuaApi.ObjLen(_active, index));

    public void PushNil() => LuaApi.PushNil(_active);

    public void PushNumber(double n) => LuaApi.PushNumber(_active, n);

    public void PushInteger(long n) => LuaApi.PushNumber(_active, n);

    public void PushBoolean(bool b) => LuaApi.PushBoolean(_active, b ? 1 : 0);

    public void PushBytes(ReadOnlySpan<byte> bytes) => LuaApi.PushBytes(_active, bytes);

    public void PushString(string s) => LuaApi.PushBytes(_active, Encoding.UTF8.GetBytes(s));

    public void NewTable(int arrayHint = 0, int recordHint = 0) => LuaApi.CreateTable(_active, arrayHint, recordHint);

    /// <summary>Pushes a Lua function that calls <see cref="ILuaHost.Call"/> with <paramref name="id"/>.</summary>
    public void PushFunction(int id) => LuaApi.PushCallback(_active, id);

    /// <summary>t[k] = v without metamethods; t at <paramref name="table"/>, k and v on top (popped).</summary>
    public void RawSet(int table) => LuaApi.RawSet(_active, table);

    public void RawSetI(int table, int n) => LuaApi.RawSetI(_active, table, n);

    /// <summary>Pushes t[k] without metamethods; k on top (replaced by the value).</summary>
    public void RawGet(int table) => LuaApi.RawGet(_active, table);

    public void RawGetI(int table, int n) => LuaApi.RawGetI(_active, table, n);

    /// <summary>Pushes t[name] without metamethods.</summary>
    public void RawGetField(int table, string name)
    {
        int abs = table < 0 && table > LuaApi.RegistryIndex ? Top + table + 1 : table;
        PushString(name);
        RawGet(abs);
    }

    /// <summary>t[name] = value on top (popped), without metamethods.</summary>
    public void RawSetField(int table, string name)
    {
        int abs = table < 0 && table > LuaApi.RegistryIndex ? Top + table + 1 : table;
        PushString(name);
        Insert(-2);
        RawSet(abs);
    }

    /// <summary>lua_next: pops a key, pushes the next key and value; false at the end.</summary>
    public bool Next(int table) => LuaApi.Next(_active, table) != 0;

    /// <summary>Compiles a chunk and pushes it as a function, or pushes the error message.</summary>
    public LuaStatus Load(ReadOnlySpan<byte> chunk, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* c = chunk)
        fixed (byte* n = nameBytes)
        {
            return (LuaStatus)LuaApi.LoadBuffer(_active, c, (nuint)chunk.Length, n);
        }
    }

    /// <summary>Calls the function below its <paramref name="args"/> in protected mode, with the
    /// handler at <paramref name="handler"/> (0: none). Runs on the main thread only.</summary>
    public LuaStatus PCall(int args, int results, int handler)
    {
        var outer = t_running;
        var outerActive = _active;
        t_running = this;
        try
        {
            return (LuaStatus)LuaApi.PCall(_active, args, results, handler);
        }
        finally
        {
            _active = outerActive;
            t_running = outer;
        }
    }

    /// <summary>Calls <see cref="ILuaHost.Hook"/> every <paramref name="instructions"/> (0: never).</summary>
    public void SetHook(int instructions) => LuaApi.SetHook(_main, instructions);

    /// <summary>Caps the bytes scripts may make this state hold (0: none); past it a script fails with out of memory.</summary>
    public void SetMemoryLimit(long bytes) => LuaApi.SetMemoryLimit(_main, bytes);

    /// <summary>Runs a full collection (SCRIPT FLUSH).</summary>
    public void CollectGarbage() => LuaApi.Gc(_main, 2 /* LUA_GCCOLLECT */, 0);

    public void Dispose()
    {
        if (_main != 0) LuaApi.Close(_main);
        _main = 0;
        _active = 0;
    }

    [UnmanagedCallersOnly]
    private static int OnCall(nint L, int id)
    {
        var state = t_running;
        if (state is null) return 0;
        var outer = state._active;
        state._active = L;
        try
        {
            return state.Host.Call(state, id);
        }
        catch (Exception e)
        {
            state.PushString("internal error in a Redis library call: " + e.GetType().Name);
            return -1;
        }
        finally
        {
            state._active = outer;
        }
    }

    [UnmanagedCallersOnly]
    private static int OnHook(nint L)
    {
        var state = t_running;
        if (state is null) return 0;
        var outer = state._active;
        state._active = L;
        try
        {
            return state.Host.Hook(state) ? 1 : 0;
        }
        catch (Exception)
        {
            return 0;
        }
        finally
        {
            state._active = outer;
        }
    }
}
