using System.Numerics;
using System.Text;

namespace Arrakis.Server.Commands;

/// <summary>
/// The x87 80-bit long double that Redis's INCRBYFLOAT and HINCRBYFLOAT compute in, emulated
/// exactly: a 64-bit significand (round to nearest, ties to even) and long double's exponent range.
/// Parsing follows strtold, printing follows Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with the
/// trailing zeros (and a trailing point) removed. Only these two commands use it; it allocates.
/// </summary>
internal readonly struct ExtendedFloat
{
    private const int SignificandBits = 64;
    private const int MaxExponent = 16384;     // |value| < 2^16384
    private const int MinExponent = -16445;    // smallest denormal is 2^-16445
    private const int MaxDecimalExponent = 5000;

    private readonly BigInteger _significand;  // < 2^64, the value is ±significand × 2^exponent
    private readonly int _exponent;
    private readonly bool _negative;

    private ExtendedFloat(BigInteger significand, int exponent, bool negative, bool infinite = false)
    {
        _significand = significand;
        _exponent = exponent;
        _negative = negative;
        IsInfinity = infinite;
    }

    public bool IsInfinity { get; }

    /// <summary>strtold over the whole argument, as getLongDoubleFromObject checks it (see
    /// <see cref="Numbers.TryParseLongDouble"/> for the grammar, which is checked first).</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out ExtendedFloat value)
    {
        value = default;
        if (!Numbers.TryParseLongDouble(s, out _)) return false;
        bool negative = s[0] == (byte)'-';
        var body = s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        if (Numbers.IsInfinityLiteral(s))
        {
            value = new ExtendedFloat(0, 0, negative, infinite: true);
            return true;
        }
        BigInteger numerator;
        int binaryExponent = 0, decimalExponent = 0;
        if (body.Length >= 2 && body[0] == (byte)'0' && (body[1] | 0x20) == 'x')
            numerator = ParseHex(body[2..], out binaryExponent);
        else
            numerator = ParseDecimal(body, out decimalExponent);
        if (numerator.IsZero)
        {
            value = new ExtendedFloat(0, 0, negative);
            return true;
        }
        if (decimalExponent > MaxDecimalExponent) return false; // overflow: strtold's ERANGE
        if (decimalExponent < -MaxDecimalExponent - 1000) return false;
        BigInteger denominator = BigInteger.One;
        if (decimalExponent >= 0) numerator *= BigInteger.Pow(10, decimalExponent);
        else denominator = BigInteger.Pow(10, -decimalExponent);
        value = Round(numerator, denominator, binaryExponent, negative);
        return !value.IsInfinity && !value._significand.IsZero; // out of range either way: strtold's ERANGE

    }

    /// <summary>digits [. digits] [e exp] as an integer numerator and a power of ten.</summary>
    private static BigInteger ParseDecimal(ReadOnlySpan<byte> s, out int exponent)
    {
        var digits = new StringBuilder();
        int i = 0, fraction = 0;
        bool point = false;
        for (; i < s.Length && (s[i] == (byte)'.' || char.IsAsciiDigit((char)s[i])); i++)
        {
            if (s[i] == (byte)'.') point = true;
            else
            {
                digits.Append((char)s[i]);
                if (point) fraction++;
            }
        }
        Numbers.TryReadExponent(s[i..], 'e', out long exp); // the grammar was checked by TryParseLongDouble
        exponent = (int)Math.Clamp(exp - fraction, -2_000_000, 2_000_000);
        return BigInteger.Parse(digits.ToString(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>hex digits [. hex digits] [p exp] as an integer numerator and a power of two.</summary>
    private static BigInteger ParseHex(ReadOnlySpan<byte> s, out int exponent)
    {
        BigInteger n = BigInteger.Zero;
        int i = 0, fraction = 0;
        bool point = false;
        for (; i < s.Length && (s[i] == (byte)'.' || char.IsAsciiHexDigit((char)s[i])); i++)
        {
            if (s[i] == (byte)'.') point = true;
            else
            {
                n = n * 16 + Convert.ToInt32(((char)s[i]).ToString(), 16);
                if (point) fraction++;
            }
        }
        Numbers.TryReadExponent(s[i..], 'p', out long exp); // the grammar was checked by TryParseLongDouble
        exponent = (int)Math.Clamp(exp - 4L * fraction, -2_000_000, 2_000_000);
        return n;
    }

    /// <summary>numerator / denominator × 2^binaryExponent rounded to 64 significant bits (fewer for
    /// denormals), ties to even; infinite past long double's range.</summary>
    private static ExtendedFloat Round(BigInteger numerator, BigInteger denominator, long binaryExponent, bool negative)
    {
        if (numerator.IsZero) return new ExtendedFloat(0, 0, negative);
        long magnitude = (long)numerator.GetBitLength() - (long)denominator.GetBitLength(); // value ~ 2^(magnitude + binaryExponent)
        if (magnitude + binaryExponent > MaxExponent + 1) return new ExtendedFloat(0, 0, negative, infinite: true);
        if (magnitude + binaryExponent < MinExponent - 2) return new ExtendedFloat(0, 0, negative);
        long shift = magnitude - SignificandBits;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long s = Math.Max(shift, MinExponent - binaryExponent); // denormals keep fewer bits
            BigInteger num = s >= 0 ? numerator : numerator << (int)-s;
            BigInteger den = s >= 0 ? denominator << (int)s : denominator;
            var q = BigInteger.DivRem(num, den, out var remainder);
            if (q.GetBitLength() > SignificandBits && s == shift)
            {
                shift++;
                continue;
            }
            int cmp = (remainder << 1).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
            long e = s + binaryExponent;
            if (q.GetBitLength() > SignificandBits)
            {
                q >>= 1; // exactly 2^64 after rounding up
                e++;
            }
            if (e + (long)q.GetBitLength() > MaxExponent) return new ExtendedFloat(0, 0, negative, infinite: true);
            return new ExtendedFloat(q, (int)e, negative);
        }
        return new ExtendedFloat(0, 0, negative, infinite: true);
    }

    public override string ToString() => Format();

    /// <summary>Redis's LD_STR_HUMAN: "%.17Lf", trailing zeros and point removed, "-0" as "0".</summary>
    public string Format()
    {
        BigInteger m = _significand;
        string text;
        if (_exponent >= 0)
        {
            text = (m << _exponent).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            int fractionBits = -_exponent;
            BigInteger integer = m >> fractionBits;
            BigInteger fraction = m - (integer << fractionBits);
            BigInteger scaled = fraction * BigInteger.Pow(10, 17);
            BigInteger digits = BigInteger.DivRem(scaled, BigInteger.One << fractionBits, out var rest);
            BigInteger half = BigInteger.One << (fractionBits - 1);
            int cmp = rest.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !digits.IsEven)) digits += 1;
            if (digits >= BigInteger.Pow(10, 17))
            {
                digits -= BigInteger.Pow(10, 17);
                integer += 1;
            }
            text = integer.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." +
                   digits.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(17, '0');
            text = text.TrimEnd('0').TrimEnd('.');
        }
        if (_negative && text != "0") text = "-" + text;
        return text;
    }

    /// <summary>The sum, rounded to a long double (infinite when it leaves the range).</summary>
    public static ExtendedFloat Add(ExtendedFloat a, ExtendedFloat b)
    {
        if (a.IsInfinity || b.IsInfinity) return new ExtendedFloat(0, 0, a.IsInfinity ? a._negative : b._negative, infinite: true);
        int low = Math.Min(a._exponent, b._exponent);
        BigInteger x = a._significand << (a._exponent - low), y = b._significand << (b._exponent - low);
        BigInteger sum = (a._negative ? -x : x) + (b._negative ? -y : y);
        bool negative = sum.Sign < 0 || (sum.IsZero && a._negative && b._negative);
        return Round(BigInteger.Abs(sum), BigInteger.One, low, negative);
    }
}
