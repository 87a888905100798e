namespace Arrakis.Server.Lua;

/// <summary>Lua 5.1's status codes for loading and protected calls.</summary>
internal enum LuaStatus
{
    Ok = 0,
    Yield = 1,
    RuntimeError = 2,
    SyntaxError = 3,
    OutOfMemory = 4,
    HandlerError = 5,
}
