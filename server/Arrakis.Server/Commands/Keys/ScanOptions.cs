
namespace Arrakis.Server.Commands.Keys;

/// <summary>The cursor and options shared by SCAN, HSCAN, SSCAN and ZSCAN, parsed with Redis's errors.</summary>
internal sealed record ScanOptions(ulong Cursor, byte[]? Pattern, long Count, string? Type)
{
    /// <summary>Parses the cursor at <paramref name="cursorIndex"/> and the options after it; TYPE only when <paramref name="allowType"/>.
    /// Null after replying an error.</summary>
    public static ScanOptions? Parse(CommandContext c, int cursorIndex, bool allowType)
    {
        if (!TryParseCursor(c.Arg(cursorIndex), out ulong cursor))
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

    /// <summary>
    /// Redis's parseScanCursorOrReply: C's strtoul over the whole argument. An optional sign ("-1" is
    /// 2^64-1, as the C negation wraps), decimal digits, nothing else; out of range is invalid; an
    /// empty argument is cursor 0.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> s, out ulong cursor)
    {
        cursor = 0;
        s = Numbers.CString(s); // strtoul reads a C string: a NUL ends it
        if (s.IsEmpty) return true;
        bool negative = s[0] == (byte)'-';
        var digits = s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        if (digits.IsEmpty) return false;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            ulong d = (ulong)(b - '0');
            if (cursor > (ulong.MaxValue - d) / 10) return false;
            cursor = cursor * 10 + d;
        }
        if (negative) cursor = unchecked(0 - cursor);
        return true;
    }
}
