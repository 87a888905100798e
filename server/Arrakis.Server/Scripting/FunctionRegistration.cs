using Arrakis.Server.Lua;

namespace Arrakis.Server.Scripting;

/// <summary>
/// <c>redis.register_function(name, callback)</c> and <c>redis.register_function{function_name=...,
/// callback=..., flags={...}, description=...}</c> while a library loads, with Redis 7.0's errors.
/// </summary>
internal static class FunctionRegistration
{
    public static int Register(LuaState lua, FunctionLibrary library, FunctionEngine engine)
    {
        int argc = lua.Top;
        string? name;
        var flags = ScriptFlags.None;
        byte[]? description = null;
        if (argc == 1)
        {
            if (lua.TypeAt(1) != LuaType.Table)
                return Fail(lua, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            name = null;
            bool hasCallback = false;
            lua.PushNil();
            while (lua.Next(1))
            {
                // key at -2, value at -1
                string key = lua.TypeAt(-2) == LuaType.String ? lua.ToText(-2) : "";
                switch (key)
                {
                    case "function_name":
                        if (lua.TypeAt(-1) is not (LuaType.String or LuaType.Number)) return Fail(lua, "function_name argument given to redis.register_function must be a string");
                        name = Copy(lua);
                        break;
                    case "description":
                        if (lua.TypeAt(-1) is not (LuaType.String or LuaType.Number)) return Fail(lua, "description argument given to redis.register_function must be a string");
                        description = System.Text.Encoding.UTF8.GetBytes(Copy(lua));
                        break;
                    case "callback":
                        if (lua.TypeAt(-1) != LuaType.Function) return Fail(lua, "callback argument given to redis.register_function must be a function");
                        hasCallback = true;
                        break;
                    case "flags":
                        if (lua.TypeAt(-1) != LuaType.Table) return Fail(lua, "flags argument to redis.register_function must be a table representing function flags");
                        if (!TryReadFlags(lua, out flags)) return Fail(lua, "unknown flag given");
                        break;
                    default:
                        return Fail(lua, "unknown argument given to redis.register_function");
                }
                lua.Pop(1);
            }
            if (name is null) return Fail(lua, "redis.register_function must get a function name argument");
            if (!hasCallback) return Fail(lua, "redis.register_function must get a callback argument");
            lua.RawGetField(1, "callback");
        }
        else if (argc == 2)
        {
            if (lua.TypeAt(1) is not (LuaType.String or LuaType.Number)) return Fail(lua, "first argument to redis.register_function must be a string");
            if (lua.TypeAt(2) != LuaType.Function) return Fail(lua, "second argument to redis.register_function must be a function");
            name = lua.ToText(1);
            lua.PushValue(2);
        }
        else
        {
            return Fail(lua, "wrong number of arguments to redis.register_function");
        }
        if (!FunctionShebang.IsValidName(name))
            return Fail(lua, "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        if (library.Functions.Any(f => f.Name == name)) return Fail(lua, "Function already exists in the library");
        engine.StoreCallback(lua, name);
        library.Functions.Add(new FunctionInfo(name, library, flags, description));
        return 0;
    }

    /// <summary>The flags table at the top: an array of flag names.</summary>
    private static bool TryReadFlags(LuaState lua, out ScriptFlags flags)
    {
        flags = ScriptFlags.None;
        int table = lua.Top;
        lua.PushNil();
        while (lua.Next(table))
        {
            if (lua.TypeAt(-1) != LuaType.String || !ScriptFlagNames.TryParse(lua.ToText(-1), out var f))
            {
                lua.Pop(2);
                return false;
            }
            flags |= f;
            lua.Pop(1);
        }
        return true;
    }

    /// <summary>The value on top as text, converted on a copy (lua_tolstring on a number in place would confuse lua_next).</summary>
    private static string Copy(LuaState lua)
    {
        lua.PushValue(-1);
        string text = lua.ToText(-1);
        lua.Pop(1);
        return text;
    }

    private static int Fail(LuaState lua, string message) => RedisLibrary.ErrorTable(lua, "ERR " + message, raise: true);
}
