using System.Buffers.Text;
using System.Globalization;

namespace Arrakis.Protocol;

/// <summary>Number parsing and formatting with Redis's exact rules (string2ll, %.17g).</summary>
public static class RespNumber
{
    /// <summary>Redis's string2ll: optional '-', digits, no leading zeros, no '+', no blanks, fits in 64 bits.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 20) return false;
        if (s.Length == 1 && s[0] == '0') return true;
        int i = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            i = 1;
            if (s.Length == 1) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }

    /// <summary>Writes <paramref name="value"/> in decimal; returns the byte count.</summary>
    public static int FormatInt64(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    /// <summary>Number of decimal characters of <paramref name="value"/> (with the sign).</summary>
    public static int DigitCount(long value)
    {
        if (value < 0) return value == long.MinValue ? 20 : 1 + DigitCount(-value);
        int n = 1;
        while (value >= 10) { value /= 10; n++; }
        return n;
    }

    /// <summary>Formats like C's printf("%.17g"), which Redis 7.0 uses for double replies.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) return Ascii("inf", destination);
        if (double.IsNegativeInfinity(value)) return Ascii("-inf", destination);
        if (double.IsNaN(value)) return Ascii("nan", destination);
        Span<char> chars = stackalloc char[40];
        value.TryFormat(chars, out int n, "G17", CultureInfo.InvariantCulture);
        for (int i = 0; i < n; i++) destination[i] = chars[i] == 'E' ? (byte)'e' : (byte)chars[i];
        return n;
    }

    private static int Ascii(string s, Span<byte> destination)
    {
        for (int i = 0; i < s.Length; i++) destination[i] = (byte)s[i];
        return s.Length;
    }
}
