using System.Text;

namespace Arrakis.Server.Text;

/// <summary>Redis's sdscatrepr: printable bytes as they are, \n \r \t \a \b \\ \" escaped, others as \xHH.</summary>
internal static class Repr
{
    public static string Escape(ReadOnlySpan<byte> s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (byte b in s)
        {
            switch (b)
            {
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\a': sb.Append("\\a"); break;
                case (byte)'\b': sb.Append("\\b"); break;
                default:
                    if (b >= 32 && b < 127) sb.Append((char)b);
                    else sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.ToString();
    }
}
