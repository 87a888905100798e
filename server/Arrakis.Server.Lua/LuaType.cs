namespace Arrakis.Server.Lua;

/// <summary>Lua 5.1's value types (lua_type).</summary>
internal enum LuaType
{
    None = -1,
    Nil = 0,
    Boolean = 1,
    LightUserData = 2,
    Number = 3,
    String = 4,
    Table = 5,
    Function = 6,
    UserData = 7,
    Thread = 8,
}
