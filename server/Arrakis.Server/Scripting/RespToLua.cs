using System.Buffers.Text;
using Arrakis.Server.Lua;

namespace Arrakis.Server.Scripting;

/// <summary>
/// Pushes a command's reply (the RESP bytes it wrote) as the Lua value Redis 7.0 gives redis.call:
/// integer -> number, bulk -> string, null -> false (RESP2) or nil (RESP3), array -> table,
/// status -> {ok=...}, error -> {err=...}; under <c>redis.setresp(3)</c> also map -> {map={...}},
/// set -> {set={k=true}}, double -> {double=n}, boolean -> true/false, big number -> {big_number=s},
/// verbatim -> {verbatim_string={format=..., string=...}}.
/// </summary>
/// <remarks>The bytes come from our own command handlers, so they are well formed; a malformed
/// reply (a bug) pushes nil instead of throwing.</remarks>
internal static class RespToLua
{
    /// <summary>Pushes the reply at the start of <paramref name="reply"/>; returns true when it was an error.</summary>
    public static bool Push(LuaState lua, ReadOnlySpan<byte> reply)
    {
        int pos = 0;
        bool isError = reply.Length > 0 && reply[0] is (byte)'-' or (byte)'!';
        if (!TryPush(lua, reply, ref pos, 0))
        {
            lua.PushNil();
        }
        return isError;
    }

    private static bool TryPush(LuaState lua, ReadOnlySpan<byte> buf, ref int pos, int depth)
    {
        if (pos >= buf.Length || depth > 1000 || !lua.CheckStack(4)) return false;
        int lf = buf[pos..].IndexOf((byte)'\n');
        if (lf < 1) return false;
        byte type = buf[pos];
        var line = buf.Slice(pos + 1, lf - 2);
        pos += lf + 1;
        switch (type)
        {
            case (byte)'+':
                PushField(lua, "ok", line);
                return true;
            case (byte)'-':
                PushField(lua, "err", line);
                RedisLibrary.MarkCounted(lua);
                return true;
            case (byte)':':
                Utf8Parser.TryParse(line, out long integer, out _);
                lua.PushNumber(integer);
                return true;
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
            {
                Utf8Parser.TryParse(line, out int length, out _);
                if (length < 0)
                {
                    lua.PushBoolean(false);
                    return true;
                }
                if (pos + length + 2 > buf.Length) return false;
                var body = buf.Slice(pos, length);
                pos += length + 2;
                if (type == '$') lua.PushBytes(body);
                else if (type == '!')
                {
                    PushField(lua, "err", body);
                    RedisLibrary.MarkCounted(lua);
                }
                else PushVerbatim(lua, body);
                return true;
            }
            case (byte)'_':
                lua.PushNil();
                return true;
            case (byte)',':
                lua.NewTable(0, 1);
                lua.PushNumber(Commands.Numbers.TryParseDouble(line, out double d) ? d : ParseSpecial(line));
                lua.RawSetField(-2, "double");
                return true;
            case (byte)'#':
                lua.PushBoolean(line.Length == 1 && line[0] == 't');
                return true;
            case (byte)'(':
                PushField(lua, "big_number", line);
                return true;
            case (byte)'*':
            case (byte)'>':
            {
                Utf8Parser.TryParse(line, out int count, out _);
                if (count < 0)
                {
                    lua.PushBoolean(false);
                    return true;
                }
                lua.NewTable(count, 0);
                for (int i = 1; i <= count; i++)
                {
                    if (!TryPush(lua, buf, ref pos, depth + 1)) return false;
                    lua.RawSetI(-2, i);
                }
                return true;
            }
            case (byte)'%':
            case (byte)'~':
            {
                Utf8Parser.TryParse(line, out int count, out _);
                lua.NewTable(0, 1);
                lua.NewTable(0, count);
                for (int i = 0; i < count; i++)
                {
                    if (!TryPush(lua, buf, ref pos, depth + 1)) return false;
                    if (type == '%')
                    {
                        if (!TryPush(lua, buf, ref pos, depth + 1)) return false;
                    }
                    else
                    {
                        lua.PushBoolean(true);
                    }
                    if (lua.TypeAt(-2) == LuaType.Nil) lua.Pop(2); // a nil key cannot be stored
                    else lua.RawSet(-3);
                }
                lua.RawSetField(-2, type == '%' ? "map" : "set");
                return true;
            }
            case (byte)'|':
            {
                // Attributes are not passed to scripts: skip the map, then push the value it annotates.
                Utf8Parser.TryParse(line, out int count, out _);
                int top = lua.Top;
                for (int i = 0; i < count * 2; i++)
                {
                    if (!TryPush(lua, buf, ref pos, depth + 1)) return false;
                }
                lua.SetTop(top);
                return TryPush(lua, buf, ref pos, depth + 1);
            }
            default:
                return false;
        }
    }

    private static double ParseSpecial(ReadOnlySpan<byte> line) => line switch
    {
        [(byte)'i', (byte)'n', (byte)'f'] => double.PositiveInfinity,
        [(byte)'-', (byte)'i', (byte)'n', (byte)'f'] => double.NegativeInfinity,
        _ => double.NaN,
    };

    private static void PushField(LuaState lua, string field, ReadOnlySpan<byte> value)
    {
        lua.NewTable();
        lua.PushBytes(value);
        lua.RawSetField(-2, field);
    }

    private static void PushVerbatim(LuaState lua, ReadOnlySpan<byte> body)
    {
        lua.NewTable(0, 1);
        lua.NewTable(0, 2);
        lua.PushBytes(body.Length >= 4 ? body[..3] : body);
        lua.RawSetField(-2, "format");
        lua.PushBytes(body.Length >= 4 ? body[4..] : default);
        lua.RawSetField(-2, "string");
        lua.RawSetField(-2, "verbatim_string");
    }
}
