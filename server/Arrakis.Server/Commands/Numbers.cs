using System.Globalization;
using System.Text;

namespace Arrakis.Server.Commands;

/// <summary>Redis's number rules for arguments and stored strings (string2ld, strtod, ld2string).</summary>
internal static class Numbers
{
    /// <summary>
    /// C's strtod as Redis calls it for float arguments (getDoubleFromObject): the whole string is the
    /// number (no leading blank, no trailing junk); decimal and hexadecimal forms, inf/infinity;
    /// NaN refused; a result that overflows, or underflows to zero, is refused (ERANGE).
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value) => TryParseC(s, Range.Double, out value);

    /// <summary>
    /// A bare strtod whose only checks are "all consumed" and "not NaN", as Redis parses score range
    /// bounds (zslParseRange): leading blanks skipped, an empty string is 0, overflow gives ±inf and
    /// underflow 0.
    /// </summary>
    public static bool TryParsePlainStrtod(ReadOnlySpan<byte> s, out double value)
    {
        s = CString(s);
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        value = 0;
        if (s.IsEmpty) return true; // nothing to convert: strtod stops at the end, all of "" is consumed
        s = s[i..];
        if (s.IsEmpty) return false; // blanks only: strtod converts nothing and stops at the first blank
        return TryParseC(s, Range.Unchecked, out value);
    }

    /// <summary>
    /// strtod as SORT checks a weight (sortCommandGeneric): the text up to its first NUL, leading
    /// blanks skipped, an empty string is 0, the rest must all be consumed; NaN and every ERANGE are
    /// refused, and glibc reports ERANGE for an inexact subnormal result too, not only for overflow
    /// and underflow to zero.
    /// </summary>
    public static bool TryParseSortWeight(ReadOnlySpan<byte> s, out double value)
    {
        s = CString(s);
        value = 0;
        if (s.IsEmpty) return true;
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        s = s[i..];
        if (!TryParseC(s, Range.Double, out value)) return false;
        return value == 0 || double.IsInfinity(value) || Math.Abs(value) >= 2.2250738585072014E-308 || IsExactHexSubnormal(s);
    }

    /// <summary>A subnormal result is exact only for hexadecimal input whose lowest set bit is at 2^-1074 or above
    /// (a decimal text never lands exactly on one in practice: that takes hundreds of digits).</summary>
    private static bool IsExactHexSubnormal(ReadOnlySpan<byte> s)
    {
        if (s[0] is (byte)'-' or (byte)'+') s = s[1..];
        if (s.Length < 2 || s[0] != (byte)'0' || (s[1] | 0x20) != 'x') return false;
        s = s[2..];
        var mantissa = System.Numerics.BigInteger.Zero;
        int i = 0, fraction = 0;
        bool point = false;
        for (; i < s.Length; i++)
        {
            int d = HexDigit(s[i]);
            if (s[i] == (byte)'.' && !point) point = true;
            else if (d >= 0)
            {
                mantissa = mantissa * 16 + d;
                if (point) fraction++;
            }
            else break;
        }
        if (mantissa.IsZero || !TryReadExponent(s[i..], 'p', out long exp)) return false;
        long trailingZeros = (long)(mantissa ^ (mantissa - 1)).GetBitLength() - 1;
        return exp - 4L * fraction + trailingZeros >= -1074;
    }

    /// <summary>
    /// C's strtold (getLongDoubleFromObject, timeouts, INCRBYFLOAT): like <see cref="TryParseDouble"/>
    /// with long double's range. A value beyond double's range but within long double's comes back
    /// as ±Infinity; a value too small for a double but not for a long double as ±double.Epsilon.
    /// </summary>
    public static bool TryParseLongDouble(ReadOnlySpan<byte> s, out double value) => TryParseC(s, Range.LongDouble, out value);

    /// <summary>The argument as C code that calls strtod/strtoul on it sees it: up to its first NUL byte.</summary>
    public static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> s)
    {
        int nul = s.IndexOf((byte)0);
        return nul < 0 ? s : s[..nul];
    }

    /// <summary>True when the text is an infinity literal (inf, infinity, with a sign), not a finite
    /// number too big for a double (which <see cref="TryParseLongDouble"/> also returns as infinity).</summary>
    public static bool IsInfinityLiteral(ReadOnlySpan<byte> s)
    {
        var body = s.Length > 0 && s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        return AsciiEquals(body, "inf"u8) || AsciiEquals(body, "infinity"u8);
    }

    /// <summary>What an out-of-range result does: refused for double or long double (ERANGE), or taken as it comes.</summary>
    private enum Range
    {
        Double,
        LongDouble,
        Unchecked,
    }

    private const int LongDoubleMaxExp10 = 4932, LongDoubleMinExp10 = -4950;

    private static bool TryParseC(ReadOnlySpan<byte> s, Range range, out double value)
    {
        value = 0;
        if (s.IsEmpty || IsSpace(s[0])) return false;
        bool negative = s[0] == (byte)'-';
        var body = s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        if (AsciiEquals(body, "inf"u8) || AsciiEquals(body, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (body.Length >= 2 && body[0] == (byte)'0' && (body[1] | 0x20) == 'x')
            return TryParseHex(body[2..], negative, range, out value);
        if (!ScanDecimal(body, out int magnitude, out bool nonZero)) return false;
        Span<char> chars = body.Length <= 512 ? stackalloc char[body.Length] : new char[body.Length];
        for (int i = 0; i < body.Length; i++) chars[i] = (char)body[i];
        if (!double.TryParse(chars, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double v)) return false;
        return Finish(v, negative, nonZero, magnitude, range, out value);
    }

    /// <summary>Ranges C reports as ERANGE: overflow always, underflow to zero; long double reaches further.</summary>
    private static bool Finish(double v, bool negative, bool nonZero, long magnitude, Range range, out double value)
    {
        value = 0;
        if (double.IsInfinity(v))
        {
            if (range == Range.Double || (range == Range.LongDouble && magnitude > LongDoubleMaxExp10)) return false;
            v = double.PositiveInfinity;
        }
        else if (v == 0 && nonZero && range != Range.Unchecked)
        {
            if (range == Range.Double || magnitude < LongDoubleMinExp10) return false;
            v = double.Epsilon;
        }
        value = negative ? -v : v;
        return true;
    }

    /// <summary>digits [. digits] [e [sign] digits], at least one mantissa digit; the decimal magnitude of its first non-zero digit.</summary>
    private static bool ScanDecimal(ReadOnlySpan<byte> s, out int magnitude, out bool nonZero)
    {
        magnitude = 0;
        nonZero = false;
        int i = 0, digits = 0, firstNonZero = -1, point = -1;
        for (; i < s.Length; i++)
        {
            byte c = s[i];
            if (c == (byte)'.' && point < 0) point = digits;
            else if (c is >= (byte)'0' and <= (byte)'9')
            {
                if (c != (byte)'0' && firstNonZero < 0) firstNonZero = digits;
                digits++;
            }
            else break;
        }
        if (digits == 0) return false;
        if (point < 0) point = digits;
        if (!TryReadExponent(s[i..], 'e', out long exp)) return false;
        nonZero = firstNonZero >= 0;
        magnitude = nonZero ? (int)(exp + point - firstNonZero - 1) : 0;
        return true;
    }

    /// <summary>strtod's hexadecimal form after "0x": hex digits [. hex digits] [p [sign] decimal digits].</summary>
    private static bool TryParseHex(ReadOnlySpan<byte> s, bool negative, Range range, out double value)
    {
        value = 0;
        double mantissa = 0;
        int i = 0, digits = 0, fraction = -1;
        for (; i < s.Length; i++)
        {
            int d = HexDigit(s[i]);
            if (s[i] == (byte)'.' && fraction < 0) fraction = 0;
            else if (d >= 0)
            {
                mantissa = mantissa * 16 + d;
                digits++;
                if (fraction >= 0) fraction++;
            }
            else break;
        }
        if (digits == 0) return false;
        if (!TryReadExponent(s[i..], 'p', out long exp)) return false;
        long binary = exp - 4L * Math.Max(fraction, 0);
        double v = Math.ScaleB(mantissa, (int)Math.Clamp(binary, -100_000, 100_000));
        long magnitude = mantissa == 0 ? 0 : (long)Math.Floor((Math.Log2(mantissa) + binary) * 0.30103);
        return Finish(v, negative, mantissa != 0, magnitude, range, out value);
    }

    /// <summary>
    /// The optional exponent that ends a strtod number: nothing, or <paramref name="marker"/> (e or p,
    /// any case), an optional sign and at least one decimal digit, with nothing after them. The value
    /// is clamped to ±1,000,000 (far past any range).
    /// </summary>
    public static bool TryReadExponent(ReadOnlySpan<byte> s, char marker, out long exponent)
    {
        exponent = 0;
        if (s.IsEmpty) return true;
        if ((s[0] | 0x20) != marker) return false;
        int i = 1;
        bool negative = i < s.Length && s[i] == (byte)'-';
        if (i < s.Length && s[i] is (byte)'-' or (byte)'+') i++;
        if (i == s.Length) return false;
        for (; i < s.Length; i++)
        {
            if (s[i] is < (byte)'0' or > (byte)'9') return false;
            exponent = Math.Min(exponent * 10 + (s[i] - '0'), 1_000_000);
        }
        if (negative) exponent = -exponent;
        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool AsciiEquals(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length != lower.Length) return false;
        for (int i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lower[i]) return false;
        }
        return true;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>
    /// INCRBYFLOAT's and HINCRBYFLOAT's result text: both operands as strtold reads them, added in
    /// an exact emulation of the x87 80-bit long double (<see cref="ExtendedFloat"/>), printed as
    /// Redis's ld2string does ("%.17Lf", trailing zeros removed).
    /// </summary>
    public static bool TryAddFloat(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, out byte[] result, out string? error)
    {
        result = Array.Empty<byte>();
        error = null;
        if (!ExtendedFloat.TryParse(current, out var a) || !ExtendedFloat.TryParse(increment, out var b))
        {
            error = Errors.NotFloat;
            return false;
        }
        var sum = ExtendedFloat.Add(a, b);
        if (sum.IsInfinity)
        {
            error = "ERR increment would produce NaN or Infinity";
            return false;
        }
        result = Encoding.ASCII.GetBytes(sum.Format());
        return true;
    }

}
