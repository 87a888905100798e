using Arrakis.Protocol;
using Arrakis.Server.Lua;

namespace Arrakis.Server.Scripting;

/// <summary>
/// Writes the Lua value on top of the stack as the script's reply, by Redis 7.0's rules: string ->
/// bulk, number -> integer (truncated as C casts it), true -> 1 and false -> null (or RESP3
/// booleans after <c>redis.setresp(3)</c>), a table with a string <c>err</c> -> error, with a string
/// <c>ok</c> -> status, <c>double</c>, <c>big_number</c>, <c>map</c>, <c>set</c>,
/// <c>verbatim_string</c> -> those RESP3 types (degraded for RESP2 callers), any other table -> the
/// array of its elements up to the first nil, anything else -> null.
/// </summary>
/// <remarks>Reads tables with raw gets only (no metamethods run; nothing can raise). Leaves the stack as it found it.</remarks>
internal static class LuaToResp
{
    private const int MaxDepth = 7000; // Redis answers "reached lua stack limit" where its C stack ends

    public static void Write(LuaState lua, RespWriter w, int scriptResp) => Write(lua, w, scriptResp, 0);

    private static void Write(LuaState lua, RespWriter w, int scriptResp, int depth)
    {
        if (depth > MaxDepth || !lua.CheckStack(4))
        {
            w.WriteError("ERR reached lua stack limit");
            return;
        }
        switch (lua.TypeAt(-1))
        {
            case LuaType.String:
                w.WriteBulk(lua.ToBytes(-1));
                return;
            case LuaType.Boolean:
                if (scriptResp == 2)
                {
                    if (lua.ToBoolean(-1)) w.WriteInteger(1);
                    else w.WriteNull();
                }
                else
                {
                    w.WriteBoolean(lua.ToBoolean(-1));
                }
                return;
            case LuaType.Number:
                w.WriteInteger(LuaNumbers.ToInt64(lua.ToNumber(-1)));
                return;
            case LuaType.Table:
                WriteTable(lua, w, scriptResp, depth);
                return;
            default:
                w.WriteNull();
                return;
        }
    }

    private static void WriteTable(LuaState lua, RespWriter w, int scriptResp, int depth)
    {
        if (Field(lua, "err", LuaType.String))
        {
            w.WriteError(SingleLine(lua.ToBytes(-1)));
            lua.Pop(1);
            return;
        }
        if (Field(lua, "ok", LuaType.String))
        {
            w.WriteSimpleString(SingleLine(lua.ToBytes(-1)));
            lua.Pop(1);
            return;
        }
        if (Field(lua, "double", LuaType.Number))
        {
            WriteDouble(w, lua.ToNumber(-1));
            lua.Pop(1);
            return;
        }
        if (Field(lua, "big_number", LuaType.String))
        {
            w.WriteBigNumber(SingleLine(lua.ToBytes(-1)));
            lua.Pop(1);
            return;
        }
        if (Field(lua, "map", LuaType.Table))
        {
            WritePairs(lua, w, scriptResp, depth, map: true);
            lua.Pop(1);
            return;
        }
        if (Field(lua, "set", LuaType.Table))
        {
            WritePairs(lua, w, scriptResp, depth, map: false);
            lua.Pop(1);
            return;
        }
        if (Field(lua, "verbatim_string", LuaType.Table))
        {
            lua.RawGetField(-1, "format");
            lua.RawGetField(-2, "string");
            if (lua.TypeAt(-2) == LuaType.String && lua.TypeAt(-1) == LuaType.String)
            {
                var format = lua.ToBytes(-2);
                w.WriteVerbatim(format.Length >= 3 ? format[..3] : "txt"u8, lua.ToBytes(-1));
                lua.Pop(3);
                return;
            }
            lua.Pop(3);
        }
        int count = 0;
        while (true)
        {
            lua.RawGetI(-1, count + 1);
            bool nil = lua.TypeAt(-1) == LuaType.Nil;
            lua.Pop(1);
            if (nil) break;
            count++;
        }
        w.WriteArrayHeader(count);
        for (int i = 1; i <= count; i++)
        {
            lua.RawGetI(-1, i);
            Write(lua, w, scriptResp, depth + 1);
            lua.Pop(1);
        }
    }

    /// <summary>Map or set at the top: pairs (or keys) in Lua's iteration order.</summary>
    private static void WritePairs(LuaState lua, RespWriter w, int scriptResp, int depth, bool map)
    {
        int table = lua.Top;
        int count = 0;
        lua.PushNil();
        while (lua.Next(table))
        {
            count++;
            lua.Pop(1);
        }
        if (map) w.WriteMapHeader(count);
        else w.WriteSetHeader(count);
        lua.PushNil();
        while (lua.Next(table))
        {
            lua.PushValue(-2);
            Write(lua, w, scriptResp, depth + 1); // the key (a copy: converting a number in place would break lua_next)
            lua.Pop(1);
            if (map) Write(lua, w, scriptResp, depth + 1);
            lua.Pop(1);
        }
    }

    /// <summary>Pushes t[name] when it has <paramref name="type"/> (returns true); pushes nothing otherwise.</summary>
    private static bool Field(LuaState lua, string name, LuaType type)
    {
        lua.RawGetField(-1, name);
        if (lua.TypeAt(-1) == type) return true;
        lua.Pop(1);
        return false;
    }

    private static void WriteDouble(RespWriter w, double value)
    {
        if (double.IsNaN(value))
        {
            // glibc prints the sign of a NaN (Lua's 0/0 is negative on x86-64).
            var text = double.IsNegative(value) ? "-nan"u8 : "nan"u8;
            if (w.IsResp3) w.WriteRaw([(byte)',', .. text, (byte)'\r', (byte)'\n']);
            else w.WriteBulk(text);
            return;
        }
        w.WriteDouble(value);
    }

    /// <summary>Status and error texts are one line: Redis turns CR and LF into spaces.</summary>
    private static ReadOnlySpan<byte> SingleLine(ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny((byte)'\r', (byte)'\n') < 0) return text;
        var copy = text.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] is (byte)'\r' or (byte)'\n') copy[i] = (byte)' ';
        }
        return copy;
    }
}
