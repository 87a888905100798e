using System.Globalization;
using System.Text;

namespace Arrakis.Server.Commands.Keys;

/// <summary>The cursor and options shared by SCAN, HSCAN, SSCAN and ZSCAN, parsed with Redis's errors.</summary>
internal sealed record ScanOptions(ulong Cursor, byte[]? Pattern, long Count, string? Type)
{
    /// <summary>Parses the cursor at <paramref name="cursorIndex"/> and the options after it; TYPE only when <paramref name="allowType"/>.
    /// Null after replying an error.</summary>
    public static ScanOptions? Parse(CommandContext c, int cursorIndex, bool allowType)
    {
        if (!ulong.TryParse(Encoding.ASCII.GetString(c.Arg(cursorIndex)), NumberStyles.None, CultureInfo.InvariantCulture, out ulong cursor))
        {
            c.Error("ERR invalid cursor");
            return null;
        }
        byte[]? pattern = null;
        string? type = null;
        long count = 10;
        for (int j = cursorIndex + 1; j < c.ArgCount; j += 2)
        {
            if (j + 1 >= c.ArgCount)
            {
                c.SyntaxError();
                return null;
            }
            if (c.ArgIs(j, "COUNT"))
            {
                if (!c.TryArgLong(j + 1, out count)) return null;
                if (count < 1)
                {
                    c.SyntaxError();
                    return null;
                }
            }
            else if (c.ArgIs(j, "MATCH")) pattern = c.ArgBytes(j + 1);
            else if (allowType && c.ArgIs(j, "TYPE")) type = c.ArgString(j + 1).ToLowerInvariant();
            else
            {
                c.SyntaxError();
                return null;
            }
        }
        return new ScanOptions(cursor, pattern is [(byte)'*'] ? null : pattern, count, type);
    }
}
