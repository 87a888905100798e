using System.Buffers;
using System.Text;

namespace Arrakis.Protocol.Tests;

public sealed class RespWriterTests
{
    private static string Write(RespVersion v, Action<RespWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new RespWriter(buffer, v));
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(RespVersion.Resp2, "$-1\r\n*-1\r\n*4\r\n$3\r\n1.5\r\n:1\r\n*2\r\n$1\r\na\r\n")]
    [InlineData(RespVersion.Resp3, "_\r\n_\r\n%2\r\n,1.5\r\n#t\r\n~2\r\n$1\r\na\r\n")]
    public void Resp3_types_degrade_for_resp2(RespVersion v, string expected)
    {
        var s = Write(v, w =>
        {
            w.WriteNull();
            w.WriteNullArray();
            w.WriteMapHeader(2);
            w.WriteDouble(1.5);
            w.WriteBoolean(true);
            w.WriteSetHeader(2);
            w.WriteBulk("a"u8);
        });
        Assert.Equal(expected, s);
    }

    [Theory]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e20, "1e+20")]
    [InlineData(-2.5e-7, "-2.4999999999999999e-07")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(3.0, "3")]
    public void Doubles_format_like_printf_17g(double value, string expected)
    {
        Span<byte> buf = stackalloc byte[40];
        Assert.Equal(expected, Encoding.ASCII.GetString(buf[..RespNumber.FormatDouble(value, buf)]));
    }

    [Fact]
    public void Verbatim_error_integer_and_bulk_are_exact()
    {
        Assert.Equal("=7\r\ntxt:abc\r\n", Write(RespVersion.Resp3, w => w.WriteVerbatim("txt"u8, "abc"u8)));
        Assert.Equal("$3\r\nabc\r\n", Write(RespVersion.Resp2, w => w.WriteVerbatim("txt"u8, "abc"u8)));
        Assert.Equal("-ERR a b\r\n:-9223372036854775808\r\n", Write(RespVersion.Resp2, w => { w.WriteError("ERR a\r\nb"[..5] + " b"); w.WriteInteger(long.MinValue); }));
    }

    [Theory]
    [InlineData("0", true, 0)]
    [InlineData("-12", true, -12)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0)]
    [InlineData("01", false, 0)]
    [InlineData("+1", false, 0)]
    [InlineData(" 1", false, 0)]
    [InlineData("-", false, 0)]
    [InlineData("", false, 0)]
    public void Integers_parse_like_string2ll(string s, bool ok, long value)
    {
        Assert.Equal(ok, RespNumber.TryParseInt64(Encoding.ASCII.GetBytes(s), out long v));
        if (ok) Assert.Equal(value, v);
    }
}
