using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;
using static Arrakis.Persistence.Tests.Rdb.RdbTestValues;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class RdbPayloadTests
{
    // DUMP outputs of redis-server 7.0.15 (redis-py's dump(key).hex()).
    private const string DumpList = "12010240545400000010008161020101dfff027f01c08002cfff02d00002f1001003f1ff7f03f1008003f2409c0004f2ffff7f04f30000800005f4000000800000000009f4ffffffffffffff7f09f4000000000000008009ff0a00ea8d4870d6899336";
    private const string DumpIntset = "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b";
    private const string DumpIntset32 = "0b10040000000200000001000000701101000a002735436efd6656c4";
    private const string DumpHash = "1012120000000400816602817602816e020c01ff0a0001369481d35b8974";
    private const string DumpZsetLzf = "11c3333c133c0000000a00816402dffe0281630293302e3130e00500193114816102010181620283312e35048165028531652b323006ff0a00ab3a19c271700297";
    private const string DumpString = "000568656c6c6f0a006372df766534200a";
    private const string DumpInt = "00c139300a009d94ea2793fc08b9";

    private static readonly RdbValue ListValue = List("a", "1", "-1", "127", "128", "4095", "-4096", "4096", "32767", "-32768", "40000",
        "8388607", "8388608", "2147483648", "9223372036854775807", "-9223372036854775808");

    /// <summary>Values whose payload has no LZF part (our compressor finds other matches than liblzf's, so compressed bytes differ).</summary>
    public static TheoryData<string, RdbValue> ByteExact() => new()
    {
        { DumpIntset, Set(RdbEncodingHint.Compact, "1", "2", "3") },
        { DumpIntset32, Set(RdbEncodingHint.Compact, "1", "70000") },
        { DumpHash, Hash(RdbEncodingHint.Compact, ("f", "v"), ("n", "12")) },
        { DumpString, Str("hello") },
        { DumpInt, Str("12345") },
    };

    [Theory]
    [MemberData(nameof(ByteExact))]
    public void Encode_MatchesRedis7015DumpByteForByte(string hex, RdbValue value) =>
        Assert.Equal(hex, Convert.ToHexString(RdbPayload.Encode(value)).ToLowerInvariant());

    [Theory]
    [MemberData(nameof(ByteExact))]
    public void Decode_OfRedisDump_GivesTheValue(string hex, RdbValue value)
    {
        Assert.Equal(RdbReadStatus.Ok, RdbPayload.TryDecode(Convert.FromHexString(hex), out var decoded, out var error));
        Assert.Null(error);
        Assert.Equal(Canonical(value), Canonical(decoded!));
    }

    [Fact]
    public void Decode_RedisQuicklistWithEveryIntegerEncoding()
    {
        Assert.Equal(RdbReadStatus.Ok, RdbPayload.TryDecode(Convert.FromHexString(DumpList), out var v, out _));
        Assert.Equal(Canonical(ListValue), Canonical(v!));
    }

    [Fact]
    public void Decode_RedisLzfCompressedZsetListpack()
    {
        Assert.Equal("Ok", RdbPayload.TryDecode(Convert.FromHexString(DumpZsetLzf), out var v, out var err) + err);
        var expected = Zset(RdbEncodingHint.Compact, ("d", -2), ("c", 0.1), ("a", 1), ("b", 1.5), ("e", 1e20));
        Assert.Equal(Canonical(expected), Canonical(v!));
        Assert.Equal(RdbEncodingHint.Compact, v!.Hint);
        Assert.Equal(["d", "c", "a", "b", "e"], v.Scored!.Select(p => System.Text.Encoding.ASCII.GetString(p.Key)));
    }

    [Fact]
    public void Decode_WrongChecksumOrVersion_AreReported()
    {
        var p = Convert.FromHexString(DumpHash);
        p[3] ^= 1;
        Assert.Equal(RdbReadStatus.BadChecksum, RdbPayload.TryDecode(p, out _, out _));
        var q = Convert.FromHexString(DumpHash);
        q[^10] = 11;
        Assert.Equal(RdbReadStatus.BadVersion, RdbPayload.TryDecode(q, out _, out _));
        Assert.Equal(RdbReadStatus.Truncated, RdbPayload.TryDecode(q.AsSpan(0, 9), out _, out _));
    }

    [Fact]
    public void Decode_MalformedButChecksummed_IsCorrupt()
    {
        byte[] body = [RdbFormat.TypeHashListpack, 0x03, 0x01, 0x02, 0x03];
        Assert.Equal(RdbReadStatus.Corrupt, RdbPayload.TryDecode(WithFooter(body), out _, out var error));
        Assert.Contains("offset", error);
        Assert.Equal(RdbReadStatus.UnsupportedType, RdbPayload.TryDecode(WithFooter([RdbFormat.TypeStreamListpacks3, 0]), out _, out error));
        Assert.Contains("stream", error);
    }

    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryKind()
    {
        var big = new string('q', 5000);
        RdbValue[] values =
        [
            Str(""), Str(big), Str("-9223372036854775808"), List(big, "1", ""), Set(RdbEncodingHint.Table, "a", "b"),
            Set(RdbEncodingHint.Compact, "-5", "99999999999"), Set(RdbEncodingHint.Compact, "x", "1"),
            Hash(RdbEncodingHint.Table, ("f", big)), Zset(RdbEncodingHint.Table, ("a", double.NegativeInfinity), ("b", 0.1), ("c", double.PositiveInfinity)),
            Zset(RdbEncodingHint.Compact, ("a", -0.5), ("b", 3)),
        ];
        foreach (var v in values)
        {
            Assert.Equal("Ok", RdbPayload.TryDecode(RdbPayload.Encode(v), out var back, out var err) + err);
            Assert.Equal(Canonical(v), Canonical(back!));
        }
    }

    internal static byte[] WithFooter(byte[] body)
    {
        var p = new byte[body.Length + 10];
        body.CopyTo(p, 0);
        p[body.Length] = 10;
        ulong crc = Crc64Jones.Compute(p.AsSpan(0, body.Length + 2));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan(body.Length + 2), crc);
        return p;
    }
}
