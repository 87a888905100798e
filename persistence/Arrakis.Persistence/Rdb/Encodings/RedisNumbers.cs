using System.Globalization;
using System.Text;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>Redis's number/string conversions that decide encodings: string2ll, ll2string, d2string (7.0), strtod.</summary>
internal static class RedisNumbers
{
    /// <summary>
    /// string2ll: true only for the canonical decimal form of an int64 (no '+', no leading zeros,
    /// no "-0", no spaces, 1..20 characters), so that formatting the value gives the same bytes.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value) => Arrakis.Protocol.RespNumber.TryParseInt64(s, out value);

    /// <summary>ll2string: the decimal bytes of <paramref name="value"/>.</summary>
    public static byte[] FormatInt64(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Redis 7.0's d2string: "nan", "inf", "-inf", "0"/"-0", integers in (-2^52, 2^52) without a
    /// fraction, otherwise printf's "%.17g".
    /// </summary>
    public static byte[] FormatDouble(double value)
    {
        string s;
        if (double.IsNaN(value)) s = "nan";
        else if (double.IsPositiveInfinity(value)) s = "inf";
        else if (double.IsNegativeInfinity(value)) s = "-inf";
        else if (value == 0) s = double.IsNegative(value) ? "-0" : "0";
        else if (value > -4503599627370495.0 && value < 4503599627370496.0 && value == Math.Truncate(value))
            s = ((long)value).ToString(CultureInfo.InvariantCulture);
        else s = FormatG17(value);
        return Encoding.ASCII.GetBytes(s);
    }

    /// <summary>printf("%.17g"): 17 significant digits, trailing zeros dropped, exponent form when exp &lt; -4 or &gt;= 17.</summary>
    public static string FormatG17(double value)
    {
        string e = value.ToString("E16", CultureInfo.InvariantCulture); // -d.ddddddddddddddddE+xxx
        int ePos = e.IndexOf('E');
        int exp = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        bool negative = e[0] == '-';
        string digits = e.Substring(negative ? 1 : 0, ePos - (negative ? 1 : 0)).Replace(".", "", StringComparison.Ordinal);
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (exp < -4 || exp >= 17)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (exp < 0)
        {
            sb.Append("0.").Append('0', -exp - 1).Append(digits);
        }
        else if (digits.Length <= exp + 1)
        {
            sb.Append(digits).Append('0', exp + 1 - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exp + 1).Append('.').Append(digits, exp + 1, digits.Length - exp - 1);
        }
        return sb.ToString();
    }

    /// <summary>strtod for stored scores: decimal/exponent forms plus inf/-inf/+inf/nan (any case).</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 400) return false;
        Span<char> chars = stackalloc char[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 127) return false;
            chars[i] = (char)s[i];
        }
        ReadOnlySpan<char> c = chars;
        if (c.Equals("inf", StringComparison.OrdinalIgnoreCase) || c.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || c.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (c.Equals("-inf", StringComparison.OrdinalIgnoreCase) || c.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        if (c.Equals("nan", StringComparison.OrdinalIgnoreCase) || c.Equals("-nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        return double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
