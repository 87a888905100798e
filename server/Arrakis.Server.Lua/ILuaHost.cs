namespace Arrakis.Server.Lua;

/// <summary>What a <see cref="LuaState"/> calls back into: functions pushed with
/// <see cref="LuaState.PushFunction"/> and the instruction-count hook.</summary>
/// <remarks>Called on the thread that runs the script, from inside Lua. Must not throw (an exception
/// becomes a Lua error with its message). Use only the state's non-raising operations.</remarks>
internal interface ILuaHost
{
    /// <summary>Function <paramref name="id"/> was called with its arguments on the stack (1..Top).
    /// Returns how many results it pushed, or -1 to raise the value it left on top.</summary>
    int Call(LuaState lua, int id);

    /// <summary>The hook fired; returns true to stop the script with the value it pushed.</summary>
    bool Hook(LuaState lua);
}
