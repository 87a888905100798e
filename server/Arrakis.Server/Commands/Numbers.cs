using System.Globalization;
using System.Text;

namespace Arrakis.Server.Commands;

/// <summary>Redis's number rules for arguments and stored strings (string2ld, strtod, ld2string).</summary>
internal static class Numbers
{
    /// <summary>Redis's string2d/strtod as used for float arguments: no blanks, no trailing junk, not NaN.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 256) return false;
        if (IsSpace(s[0]) || IsSpace(s[^1])) return false;
        Span<char> chars = stackalloc char[s.Length];
        for (int i = 0; i < s.Length; i++) chars[i] = (char)s[i];
        var text = chars.ToString().ToLowerInvariant();
        switch (text)
        {
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        if (text.Contains("nan", StringComparison.Ordinal)) return false;
        if (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("-0x", StringComparison.Ordinal) || text.StartsWith("+0x", StringComparison.Ordinal))
            return false;
        foreach (char c in text)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or '-' or '+')) return false;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>
    /// INCRBYFLOAT's result text. Redis computes in long double and prints "%.17Lf" with trailing
    /// zeros removed; decimal arithmetic gives the same text for the values people use, with double
    /// as the fallback outside decimal's range.
    /// </summary>
    public static bool TryAddFloat(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, out byte[] result, out string? error)
    {
        result = Array.Empty<byte>();
        error = null;
        if (!TryParseDouble(current, out double a) || !TryParseDouble(increment, out double b))
        {
            error = Errors.NotFloat;
            return false;
        }
        double sum = a + b;
        if (double.IsNaN(sum) || double.IsInfinity(sum))
        {
            error = "ERR increment would produce NaN or Infinity";
            return false;
        }
        string text;
        if (TryDecimal(current, out decimal da) && TryDecimal(increment, out decimal db))
        {
            try
            {
                decimal d = da + db;
                text = FormatDecimal(d);
                result = Encoding.ASCII.GetBytes(text);
                return true;
            }
            catch (OverflowException)
            {
            }
        }
        text = FormatLongDouble(sum);
        result = Encoding.ASCII.GetBytes(text);
        return true;
    }

    private static bool TryDecimal(ReadOnlySpan<byte> s, out decimal value)
    {
        Span<char> chars = stackalloc char[s.Length];
        for (int i = 0; i < s.Length; i++) chars[i] = (char)s[i];
        return decimal.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !chars.ContainsAny('e', 'E') ||
               (decimal.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && Math.Abs((double)value) < 1e15);
    }

    private static string FormatDecimal(decimal d)
    {
        // "%.17Lf" then trailing zeros (and a trailing point) removed.
        d = Math.Round(d, 17, MidpointRounding.ToEven);
        string s = d.ToString("0.#################", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    private static string FormatLongDouble(double v)
    {
        string s = v.ToString("F17", CultureInfo.InvariantCulture);
        if (s.Contains('.')) s = s.TrimEnd('0').TrimEnd('.');
        return s == "-0" ? "0" : s;
    }

    /// <summary>Formats a double the way Redis stores INCRBYFLOAT-style results for big exponents.</summary>
    public static string FormatHuman(double v) => FormatLongDouble(v);
}
