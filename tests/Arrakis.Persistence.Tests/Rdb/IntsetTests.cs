using System.Text;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class IntsetTests
{
    [Fact]
    public void Encode_SmallValues_MatchesRedis7015Bytes() =>
        Assert.Equal(Convert.FromHexString("0200000003000000010002000300"), Intset.Encode([3, 1, 2]));

    [Fact]
    public void Encode_WidensTo32Bits_MatchesRedis7015Bytes() =>
        Assert.Equal(Convert.FromHexString("04000000020000000100000070110100"), Intset.Encode([70000, 1]));

    [Fact]
    public void Encode_WidensTo64Bits_AndDecodesBack()
    {
        long[] values = [long.MinValue, -1, 0, long.MaxValue, int.MaxValue + 1L];
        var blob = Intset.Encode(values);
        Assert.Equal(8, blob[0]);
        var output = new List<byte[]>();
        Assert.True(Intset.TryDecode(blob, output));
        Assert.Equal(values.Order().Select(v => v.ToString()), output.Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void Decode_RejectsUnsortedWrongSizeAndBadEncoding()
    {
        Assert.False(Intset.TryDecode(Convert.FromHexString("0200000002000000020001"), []));     // short
        Assert.False(Intset.TryDecode(Convert.FromHexString("02000000020000000200010000"), [])); // long
        Assert.False(Intset.TryDecode(Convert.FromHexString("020000000200000002000100"), []));   // descending
        Assert.False(Intset.TryDecode(Convert.FromHexString("030000000100000002000000"), []));   // encoding 3
        Assert.False(Intset.TryDecode(Convert.FromHexString("02000000ffffffff"), []));           // huge count
    }
}
