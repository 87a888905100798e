using System.Text;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class RedisNumbersTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("-1", true)]
    [InlineData("9223372036854775807", true)]
    [InlineData("-9223372036854775808", true)]
    [InlineData("9223372036854775808", false)]
    [InlineData("-0", false)]
    [InlineData("01", false)]
    [InlineData("+1", false)]
    [InlineData(" 1", false)]
    [InlineData("", false)]
    [InlineData("1a", false)]
    public void TryParseInt64_AcceptsOnlyCanonicalForms(string s, bool ok) =>
        Assert.Equal(ok, RedisNumbers.TryParseInt64(Encoding.ASCII.GetBytes(s), out _));

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e20, "1e+20")]
    [InlineData(-2.0, "-2")]
    [InlineData(1e-5, "1.0000000000000001e-05")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(4503599627370496.0, "4503599627370496")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(3.0e16, "30000000000000000")]
    public void FormatDouble_MatchesRedis70D2string(double d, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(RedisNumbers.FormatDouble(d)));
}
