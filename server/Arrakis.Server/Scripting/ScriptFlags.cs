namespace Arrakis.Server.Scripting;

/// <summary>Flags of a script's shebang (<c>#!lua flags=...</c>) or of a registered function, as Redis 7.0 names them.</summary>
[Flags]
internal enum ScriptFlags
{
    None = 0,
    NoWrites = 1,
    AllowOom = 2,
    AllowStale = 4,
    NoCluster = 8,
    AllowCrossSlotKeys = 16,
    /// <summary>An EVAL script without a shebang: Redis's compatibility mode (may write, no flag checks).</summary>
    EvalCompat = 1 << 16,
}

/// <summary>Parses flag names.</summary>
internal static class ScriptFlagNames
{
    public static readonly (string Name, ScriptFlags Flag)[] All =
    [
        ("no-writes", ScriptFlags.NoWrites),
        ("allow-oom", ScriptFlags.AllowOom),
        ("allow-stale", ScriptFlags.AllowStale),
        ("no-cluster", ScriptFlags.NoCluster),
        ("allow-cross-slot-keys", ScriptFlags.AllowCrossSlotKeys),
    ];

    public static bool TryParse(string name, out ScriptFlags flag)
    {
        foreach (var (n, f) in All)
        {
            if (n == name)
            {
                flag = f;
                return true;
            }
        }
        flag = ScriptFlags.None;
        return false;
    }

    /// <summary>Reads <c>#!lua [flags=a,b]</c>; returns null and the error when it is not valid.</summary>
    public static ScriptFlags? ParseShebang(ReadOnlySpan<byte> body, out int lineLength, out string? error)
    {
        lineLength = 0;
        error = null;
        if (body.Length < 2 || body[0] != '#' || body[1] != '!') return ScriptFlags.EvalCompat;
        int nl = body.IndexOf((byte)'\n');
        if (nl < 0)
        {
            error = "ERR Invalid script shebang";
            return null;
        }
        lineLength = nl;
        var line = System.Text.Encoding.Latin1.GetString(body[..nl]);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "#!lua")
        {
            error = "ERR Unexpected engine in script shebang: " + (parts.Length > 0 ? parts[0] : line);
            return null;
        }
        var flags = ScriptFlags.None;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("flags=", StringComparison.Ordinal))
            {
                error = "ERR Unknown lua shebang option: " + part;
                return null;
            }
            var names = part.Length == 6 ? [] : part[6..].Split(',');
            foreach (var name in names)
            {
                if (!TryParse(name, out var f))
                {
                    error = "ERR Unexpected flag in script shebang: " + name;
                    return null;
                }
                flags |= f;
            }
        }
        return flags;
    }
}
