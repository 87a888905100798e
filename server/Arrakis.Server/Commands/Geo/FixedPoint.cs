using System.Globalization;
using System.Numerics;

namespace Arrakis.Server.Commands.Geo;

/// <summary>
/// C's printf "%.Nf" for doubles, exact: the binary value's full decimal expansion rounded to N
/// places, ties to even as glibc rounds. The geo commands print with it: distances ("%.4f" in
/// Redis's addReplyDoubleDistance), coordinates ("%.17Lf" trimmed, ld2string's LD_STR_HUMAN, which
/// addReplyHumanLongDouble uses) and the "%f" of the invalid longitude,latitude error.
/// </summary>
internal static class FixedPoint
{
    private static readonly BigInteger[] Powers = Enumerable.Range(0, 31).Select(i => BigInteger.Pow(10, i)).ToArray();

    /// <summary>printf("%.{decimals}f", value).</summary>
    public static string Format(double value, int decimals)
    {
        if (double.IsNaN(value)) return BitConverter.DoubleToInt64Bits(value) < 0 ? "-nan" : "nan";
        bool negative = BitConverter.DoubleToInt64Bits(value) < 0;
        if (double.IsInfinity(value)) return negative ? "-inf" : "inf";
        long bits = BitConverter.DoubleToInt64Bits(value) & long.MaxValue;
        int exponent = (int)(bits >> 52);
        long mantissa = bits & ((1L << 52) - 1);
        if (exponent == 0) exponent = 1;
        else mantissa |= 1L << 52;
        exponent -= 1075; // value = mantissa * 2^exponent
        BigInteger scaled; // value * 10^decimals, rounded to an integer
        if (exponent >= 0)
        {
            scaled = (new BigInteger(mantissa) << exponent) * Powers[decimals];
        }
        else
        {
            BigInteger numerator = new BigInteger(mantissa) * Powers[decimals];
            BigInteger quotient = BigInteger.DivRem(numerator, BigInteger.One << -exponent, out var rest);
            int cmp = (rest << 1).CompareTo(BigInteger.One << -exponent);
            if (cmp > 0 || (cmp == 0 && !quotient.IsEven)) quotient += 1;
            scaled = quotient;
        }
        string digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        string text = decimals == 0 ? digits : digits[..^decimals] + "." + digits[^decimals..];
        return negative ? "-" + text : text;
    }

    /// <summary>Redis's ld2string(LD_STR_HUMAN) of a double: "%.17Lf" (a long double holds any
    /// double exactly), trailing zeros and a trailing point removed, "-0" printed as "0".</summary>
    public static string Human(double value)
    {
        string text = Format(value, 17).TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }
}
