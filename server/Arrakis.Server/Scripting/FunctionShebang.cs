using System.Text;

namespace Arrakis.Server.Scripting;

/// <summary>A library's first line: <c>#!lua name=&lt;library&gt;</c>, checked with Redis 7.0's errors.</summary>
internal static class FunctionShebang
{
    public static bool TryParse(ReadOnlySpan<byte> code, out string name, out string? error)
    {
        name = "";
        error = null;
        if (code.Length < 2 || code[0] != '#' || code[1] != '!')
        {
            error = "ERR Missing library metadata";
            return false;
        }
        int nl = code.IndexOf((byte)'\n');
        var line = Encoding.UTF8.GetString(nl < 0 ? code : code[..nl]);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string engine = parts.Length > 0 ? parts[0][2..] : "";
        if (!engine.Equals("lua", StringComparison.OrdinalIgnoreCase))
        {
            error = $"ERR Engine '{engine}' not found";
            return false;
        }
        string? found = null;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("name=", StringComparison.Ordinal))
            {
                error = "ERR Invalid metadata value given: " + part;
                return false;
            }
            found = part[5..];
        }
        if (found is null)
        {
            error = "ERR Library name was not given";
            return false;
        }
        if (!IsValidName(found))
        {
            error = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
            return false;
        }
        name = found;
        return true;
    }

    /// <summary>Letters, digits and underscores, at least one (for library and function names alike).</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
}
