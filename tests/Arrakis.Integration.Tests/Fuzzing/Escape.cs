using System.Text;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>Turns bytes into readable, unambiguous text for failure reports.</summary>
internal static class Escape
{
    /// <summary>A redis-cli style quoted argument: printable ASCII as is, the rest as \xNN; long values abbreviated.</summary>
    public static string Quote(byte[] arg, bool abbreviate = true)
    {
        if (abbreviate && arg.Length > 200) return $"<{arg.Length} bytes: {Quote(arg[..40])}...>";
        var sb = new StringBuilder("\"");
        foreach (byte b in arg) Append(sb, b, quoteChar: true);
        return sb.Append('"').ToString();
    }

    /// <summary>A raw reply with CR/LF and non-printable bytes escaped, cut at <paramref name="max"/> characters.</summary>
    public static string Reply(byte[] raw, int max = 400)
    {
        var sb = new StringBuilder();
        foreach (byte b in raw.AsSpan(0, Math.Min(raw.Length, max))) Append(sb, b, quoteChar: false);
        if (raw.Length > max) sb.Append($"...({raw.Length} bytes)");
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, byte b, bool quoteChar)
    {
        switch (b)
        {
            case (byte)'\r': sb.Append("\\r"); break;
            case (byte)'\n': sb.Append("\\n"); break;
            case (byte)'\\': sb.Append("\\\\"); break;
            case (byte)'"' when quoteChar: sb.Append("\\\""); break;
            case >= 0x20 and < 0x7f: sb.Append((char)b); break;
            default: sb.Append($"\\x{b:x2}"); break;
        }
    }
}
