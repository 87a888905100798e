using System.Text;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class ListpackTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void Build_HashListpack_MatchesRedis7015Bytes()
    {
        // DUMP of HSET h f v n 12 on redis-server 7.0.15: type 0x10, string len 0x12, then the listpack.
        var expected = Convert.FromHexString("120000000400816602817602816e020c01ff");
        Assert.Equal(expected, ListpackBuilder.Build([B("f"), B("v"), B("n"), B("12")]));
    }

    [Fact]
    public void Build_EveryIntegerEncoding_MatchesRedis7015Bytes()
    {
        // RPUSH l a 1 -1 127 128 4095 -4096 4096 32767 -32768 40000 8388607 8388608 2147483648 INT64_MAX INT64_MIN
        var expected = Convert.FromHexString(
            "54000000100081610201" + "01dfff027f01c08002cfff02d00002f1001003f1ff7f03f1008003f2409c0004f2ffff7f04f30000800005"
            + "f4000000800000000009f4ffffffffffffff7f09f4000000000000008009ff");
        string[] items = ["a", "1", "-1", "127", "128", "4095", "-4096", "4096", "32767", "-32768", "40000", "8388607", "8388608",
            "2147483648", "9223372036854775807", "-9223372036854775808"];
        Assert.Equal(expected, ListpackBuilder.Build(items.Select(B)));
    }

    [Fact]
    public void Decode_ReturnsElementsAsStrings()
    {
        string[] items = ["", "x", "0", "-0", "01", "+1", "123456789012345678901", new string('s', 63), new string('m', 64), new string('m', 4095),
            new string('L', 4096), new string('L', 20000), "-4097", "8388608", "-8388609"];
        var lp = ListpackBuilder.Build(items.Select(B));
        var output = new List<byte[]>();
        Assert.True(ListpackReader.TryDecode(lp, output));
        Assert.Equal(items, output.Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void Decode_RejectsEveryTruncationAndBadHeader()
    {
        var lp = ListpackBuilder.Build([B("hello"), B("123"), B(new string('z', 300))]);
        for (int cut = 0; cut < lp.Length; cut++) Assert.False(ListpackReader.TryDecode(lp.AsSpan(0, cut), []));
        var bad = (byte[])lp.Clone();
        bad[4] = 9; // count mismatch
        Assert.False(ListpackReader.TryDecode(bad, []));
        bad = (byte[])lp.Clone();
        bad[^2] ^= 1; // back-length of the last entry
        Assert.False(ListpackReader.TryDecode(bad, []));
    }

    [Fact]
    public void EncodeBacklen_UsesRedisLayout()
    {
        Span<byte> b = stackalloc byte[5];
        Assert.Equal(1, ListpackEncoding.EncodeBacklen(127, b));
        Assert.Equal(2, ListpackEncoding.EncodeBacklen(128, b));
        Assert.Equal(new byte[] { 1, 128 }, b[..2].ToArray());
        Assert.Equal(3, ListpackEncoding.EncodeBacklen(16383, b));
        Assert.Equal(5, ListpackEncoding.EncodeBacklen(268435455, b));
    }
}
