using Arrakis.Server.Testing;

namespace Arrakis.Server.Tests.Commands.Strings;

/// <summary>Replies taken from redis-server 7.0.15.</summary>
public sealed class BitFieldTests
{
    private const string InvalidType = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n";

    [Theory]
    [InlineData("I8")]
    [InlineData("U8")]
    [InlineData("u64")]
    [InlineData("i65")]
    [InlineData("i")]
    public void BitField_TypeNotLowercaseIOrUWithAValidWidth_IsRejected(string type)
    {
        using var h = new CommandHarness();
        h.Run("SET", "k", "abc");
        Assert.Equal(InvalidType, h.Run("BITFIELD", "k", "GET", type, "0"));
    }

    [Fact]
    public void BitField_TypeWidthEndsAtANulByte_LikeRedisCString()
    {
        using var h = new CommandHarness();
        h.Run("SET", "k", "abc");
        Assert.Equal("*1\r\n:97\r\n", h.Run("BITFIELD", "k", "GET", "i8\0z", "0"));
        Assert.Equal("*1\r\n:97\r\n", h.Run("BITFIELD_RO", "k", "GET", "u8\0", "0"));
    }
}
