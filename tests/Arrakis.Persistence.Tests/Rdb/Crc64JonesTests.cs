using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class Crc64JonesTests
{
    [Fact]
    public void Compute_GivesRedisTestVector() => Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64Jones.Compute("123456789"u8));

    [Fact]
    public void Compute_EqualsBitwiseReflectedReference_AndIncrementalHashing()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        ulong reference = 0;
        foreach (byte b in data)
        {
            reference ^= b;
            for (int i = 0; i < 8; i++) reference = (reference & 1) != 0 ? (reference >> 1) ^ 0x95ac9329ac4bc9b5UL : reference >> 1;
        }
        Assert.Equal(reference, Crc64Jones.Compute(data));
        var c = Crc64Jones.Create();
        c.Append(data.AsSpan(0, 333));
        c.Append(data.AsSpan(333));
        Assert.Equal(reference, c.GetCurrentHashAsUInt64());
    }
}
