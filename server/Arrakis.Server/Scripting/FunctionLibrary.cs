namespace Arrakis.Server.Scripting;

/// <summary>A library loaded with FUNCTION LOAD: its code and the functions it registered.</summary>
internal sealed class FunctionLibrary(string name, byte[] code)
{
    public string Name { get; } = name;
    public byte[] Code { get; } = code;
    public List<FunctionInfo> Functions { get; } = new();
}

/// <summary>One registered function (its Lua callback lives in the state's registry under its name).</summary>
internal sealed record FunctionInfo(string Name, FunctionLibrary Library, ScriptFlags Flags, byte[]? Description);
