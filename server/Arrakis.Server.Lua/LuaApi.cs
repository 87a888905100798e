using System.Runtime.InteropServices;

namespace Arrakis.Server.Lua;

/// <summary>
/// Lua 5.1's C API (Debian's liblua5.1.so.0) and our shim (libarrakis_lua.so, Native/arrakis_lua.c).
/// Only functions that never raise a Lua error are called from C# (no luaL_check*, no lua_error,
/// no metamethod-invoking gets or sets): a Lua error is a longjmp, which must not cross managed
/// frames. <see cref="PCall"/> and <see cref="LoadBuffer"/> catch errors inside C.
/// </summary>
internal static unsafe partial class LuaApi
{
    private const string Lua = "liblua5.1.so.0";
    private const string Shim = "arrakis_lua";

    public const int RegistryIndex = -10000;
    public const int GlobalsIndex = -10002;
    public const int MultRet = -1;

    [LibraryImport(Shim, EntryPoint = "arr_init")]
    public static partial void Init(delegate* unmanaged<nint, int, int> callback, delegate* unmanaged<nint, int> hook);

    [LibraryImport(Shim, EntryPoint = "arr_new_state", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint NewState(string cjsonPath, string bitPath, byte* error, int size);

    [LibraryImport(Shim, EntryPoint = "arr_push_callback")]
    public static partial void PushCallback(nint L, int id);

    [LibraryImport(Shim, EntryPoint = "arr_set_hook")]
    public static partial void SetHook(nint L, int count);

    [LibraryImport(Shim, EntryPoint = "arr_used_memory")]
    public static partial long UsedMemory(nint L);

    [LibraryImport(Shim, EntryPoint = "arr_close")]
    public static partial void Close(nint L);

    [LibraryImport(Shim, EntryPoint = "arr_set_memory_limit")]
    public static partial void SetMemoryLimit(nint L, long bytes);

    [LibraryImport(Lua, EntryPoint = "lua_gettop")]
    [SuppressGCTransition]
    public static partial int GetTop(nint L);

    [LibraryImport(Lua, EntryPoint = "lua_settop")]
    public static partial void SetTop(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_pushvalue")]
    public static partial void PushValue(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_remove")]
    public static partial void Remove(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_insert")]
    public static partial void Insert(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_replace")]
    public static partial void Replace(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_checkstack")]
    public static partial int CheckStack(nint L, int extra);

    [LibraryImport(Lua, EntryPoint = "lua_type")]
    [SuppressGCTransition]
    public static partial int Type(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_tonumber")]
    [SuppressGCTransition]
    public static partial double ToNumber(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_toboolean")]
    [SuppressGCTransition]
    public static partial int ToBoolean(nint L, int index);

    /// <summary>Converts a number in place to a string (allocates in Lua; never raises but on out of memory).</summary>
    [LibraryImport(Lua, EntryPoint = "lua_tolstring")]
    public static partial byte* ToLString(nint L, int index, out nuint length);

    [LibraryImport(Lua, EntryPoint = "lua_objlen")]
    public static partial nuint ObjLen(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_pushnil")]
    public static partial void PushNil(nint L);

    [LibraryImport(Lua, EntryPoint = "lua_pushnumber")]
    public static partial void PushNumber(nint L, double n);

    [LibraryImport(Lua, EntryPoint = "lua_pushinteger")]
    public static partial void PushInteger(nint L, nint n);

    [LibraryImport(Lua, EntryPoint = "lua_pushlstring")]
    public static partial void PushLString(nint L, byte* s, nuint length);

    [LibraryImport(Lua, EntryPoint = "lua_pushboolean")]
    public static partial void PushBoolean(nint L, int b);

    [LibraryImport(Lua, EntryPoint = "lua_createtable")]
    public static partial void CreateTable(nint L, int narr, int nrec);

    [LibraryImport(Lua, EntryPoint = "lua_rawget")]
    public static partial void RawGet(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_rawgeti")]
    public static partial void RawGetI(nint L, int index, int n);

    [LibraryImport(Lua, EntryPoint = "lua_rawset")]
    public static partial void RawSet(nint L, int index);

    [LibraryImport(Lua, EntryPoint = "lua_rawseti")]
    public static partial void RawSetI(nint L, int index, int n);

    [LibraryImport(Lua, EntryPoint = "lua_next")]
    public static partial int Next(nint L, int index);

    /// <summary>lua_pcall with the state's memory cap armed (the shim's arr_protected_call).</summary>
    [LibraryImport(Shim, EntryPoint = "arr_protected_call")]
    public static partial int PCall(nint L, int nargs, int nresults, int errfunc);

    [LibraryImport(Lua, EntryPoint = "luaL_loadbuffer")]
    public static partial int LoadBuffer(nint L, byte* buffer, nuint size, byte* name);

    [LibraryImport(Lua, EntryPoint = "lua_gc")]
    public static partial int Gc(nint L, int what, int data);

    public const int TNone = -1, TNil = 0, TBoolean = 1, TLightUserData = 2, TNumber = 3, TString = 4, TTable = 5, TFunction = 6;

    public static void Pop(nint L, int n) => SetTop(L, -n - 1);

    public static void PushBytes(nint L, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes) PushLString(L, p, (nuint)bytes.Length);
    }
}
