using System.Text;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class RdbPrimitivesTests
{
    private static byte[] Written(Action<RdbOutput> write, bool compress = true)
    {
        var ms = new MemoryStream();
        var o = new RdbOutput(ms, compress);
        write(o);
        o.Flush();
        return ms.ToArray();
    }

    private static RdbInput Input(byte[] bytes) => new(new MemoryStream(bytes), 1 << 30);

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(63UL, "3F")]
    [InlineData(64UL, "4040")]
    [InlineData(16383UL, "7FFF")]
    [InlineData(16384UL, "8000004000")]
    [InlineData(4294967295UL, "80FFFFFFFF")]
    [InlineData(4294967296UL, "810000000100000000")]
    [InlineData(ulong.MaxValue, "81FFFFFFFFFFFFFFFF")]
    public void Length_UsesTheSmallestOfFourEncodings_AndReadsBack(ulong len, string hex)
    {
        var bytes = Written(o => o.WriteLength(len));
        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.True(Input(bytes).TryReadLength(out ulong back, out bool encoded));
        Assert.False(encoded);
        Assert.Equal(len, back);
    }

    [Theory]
    [InlineData("12", "C00C")]
    [InlineData("-128", "C080")]
    [InlineData("-129", "C17FFF")]
    [InlineData("32768", "C200800000")]
    [InlineData("2147483647", "C2FFFFFF7F")]
    [InlineData("2147483648", "0A32313437343833363438")]
    [InlineData("007", "03303037")]
    [InlineData("", "00")]
    [InlineData("aaaaaaaaaaaaaaaaaaaa", "146161616161616161616161616161616161616161")] // 20 bytes: never compressed
    [InlineData("aaaaaaaaaaaaaaaaaaaaa", "C30615016161E00A00")]                          // 21 bytes: LZF as liblzf 3.6 (position 0 is never a match source)
    public void String_IsIntEncodedLzfOrRaw_AsRedisDecides(string s, string hex)
    {
        var bytes = Written(o => o.WriteString(Encoding.ASCII.GetBytes(s)));
        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.True(Input(bytes).TryReadString(out byte[] back));
        Assert.Equal(s, Encoding.ASCII.GetString(back));
    }

    [Theory]
    [InlineData("C30615016161E00A00", "aaaaaaaaaaaaaaaaaaaaa")]                      // redis-server 7.0.15's liblzf output
    [InlineData("C30A180361626361E00A020063", "abcabcabcabcabcabcabcabc")]
    public void String_CompressedByRedis_Decodes(string hex, string expected)
    {
        Assert.True(Input(Convert.FromHexString(hex)).TryReadString(out byte[] s));
        Assert.Equal(expected, Encoding.ASCII.GetString(s));
    }

    [Fact]
    public void String_WithoutCompression_StaysRaw() =>
        Assert.Equal(22, Written(o => o.WriteString(new byte[21]), compress: false).Length);

    [Fact]
    public void BinaryDouble_IsLittleEndianIeee()
    {
        var bytes = Written(o => o.WriteBinaryDouble(1.5));
        Assert.Equal("000000000000F83F", Convert.ToHexString(bytes));
        Assert.True(Input(bytes).TryReadBinaryDouble(out double d));
        Assert.Equal(1.5, d);
    }
}
