using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;
using static Arrakis.Persistence.Tests.Rdb.RdbTestValues;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class RdbReaderTests
{
    [Fact]
    public void OldFormats_ListZsetZiplistsQuicklist_AreRead()
    {
        var file = new RdbFileBuilder(9)
            .Raw(RdbFormat.OpAux).Str("redis-ver").Str("5.0.7")
            .Raw(RdbFormat.OpSelectDb).Len(2)
            .Raw(RdbFormat.TypeList).Str("list1").Len(2).Str("a").Str("b")
            .Raw(RdbFormat.TypeZset).Str("zset3").Len(3).Str("a").Raw(3).Raw("1.5"u8.ToArray()).Str("b").Raw(254).Str("c").Raw(255)
            .Raw(RdbFormat.TypeListZiplist).Str("zlist").Str(RdbFileBuilder.Ziplist("x", "-5", "7", "yy"))
            .Raw(RdbFormat.TypeHashZiplist).Str("zhash").Str(RdbFileBuilder.Ziplist("f", "1", "g", "v"))
            .Raw(RdbFormat.TypeZsetZiplist).Str("zzset").Str(RdbFileBuilder.Ziplist("m", "2", "n", "3.25"))
            .Raw(RdbFormat.OpExpireTime).Raw(0x10, 0, 0, 0x70)
            .Raw(RdbFormat.TypeListQuicklist).Str("qlist").Len(2).Str(RdbFileBuilder.Ziplist("p", "q")).Str(RdbFileBuilder.Ziplist("100"))
            .Finish();
        var (status, entries, reader) = RdbFileBuilder.ReadAll(file);
        Assert.True(status == RdbReadStatus.End, reader.Error);
        Assert.Equal(9, reader.Version);
        Assert.All(entries, e => Assert.Equal(2, e.Db));
        Assert.Equal(Canonical(List("a", "b")), Canonical(entries[0].Value));
        Assert.Equal(Canonical(Zset(RdbEncodingHint.Table, ("a", 1.5), ("b", double.PositiveInfinity), ("c", double.NegativeInfinity))), Canonical(entries[1].Value));
        Assert.Equal(Canonical(List("x", "-5", "7", "yy")), Canonical(entries[2].Value));
        Assert.Equal(Canonical(Hash(RdbEncodingHint.Compact, ("f", "1"), ("g", "v"))), Canonical(entries[3].Value));
        Assert.Equal(Canonical(Zset(RdbEncodingHint.Compact, ("m", 2), ("n", 3.25))), Canonical(entries[4].Value));
        Assert.Equal(Canonical(List("p", "q", "100")), Canonical(entries[5].Value));
        Assert.Equal(0x70000010L * 1000, entries[5].ExpireAtMs);
    }

    [Fact]
    public void Zipmap_FromRedis2_IsReadAsAHash()
    {
        // zmlen 2; "f" -> "v" (free 0); "long" -> 300 x 'x' (big length, free 2 + padding); end.
        var zm = new List<byte> { 2, 1, (byte)'f', 1, 0, (byte)'v', 4 };
        zm.AddRange("long"u8.ToArray());
        zm.AddRange([254, 0x2C, 0x01, 0, 0, 2]);
        zm.AddRange(Enumerable.Repeat((byte)'x', 300));
        zm.AddRange([0, 0, 0xFF]);
        var file = new RdbFileBuilder(3).Raw(RdbFormat.TypeHashZipmap).Str("h").Str(zm.ToArray()).Finish();
        var (status, entries, reader) = RdbFileBuilder.ReadAll(file);
        Assert.True(status == RdbReadStatus.End, reader.Error);
        Assert.Equal(Canonical(Hash(RdbEncodingHint.Compact, ("f", "v"), ("long", new string('x', 300)))), Canonical(entries.Single().Value));
        zm[^2] = 7; // padding byte where the end marker belongs: the end is missing
        zm.RemoveAt(zm.Count - 1);
        var bad = new RdbFileBuilder(3).Raw(RdbFormat.TypeHashZipmap).Str("h").Str(zm.ToArray()).Finish();
        Assert.Equal(RdbReadStatus.Corrupt, RdbFileBuilder.ReadAll(bad).Status);
    }

    [Fact]
    public void IdleAndFreq_AreReported_AndIdleIsWrittenWhenAsked()
    {
        var ms = new MemoryStream();
        var w = new RdbWriter(ms);
        w.WriteHeader([]);
        w.SelectDb(0, 1, 0);
        w.WriteEntry("k"u8, Str("v"), 0, idleSeconds: 300);
        w.Finish();
        var (status, entries, _) = RdbFileBuilder.ReadAll(ms.ToArray());
        Assert.Equal(RdbReadStatus.End, status);
        Assert.Equal(300, Assert.Single(entries).IdleSeconds);

        var file = new RdbFileBuilder(10).Raw(RdbFormat.OpFreq, 5).Raw(RdbFormat.TypeString).Str("k").Str("v").Finish();
        Assert.Equal(5, RdbFileBuilder.ReadAll(file).Entries.Single().Frequency);
    }

    [Theory]
    [InlineData(RdbFormat.TypeModule2, "module")]
    [InlineData(RdbFormat.TypeStreamListpacks3, "stream")]
    [InlineData(RdbFormat.OpFunctionPreGa, "function")]
    [InlineData(RdbFormat.OpModuleAux, "module")]
    public void UnsupportedTypes_ReturnUnsupportedNamingTheType(byte type, string name)
    {
        var file = new RdbFileBuilder(10).Raw(RdbFormat.TypeString).Str("ok").Str("1").Raw(type).Str("k").Raw(0, 0, 0).Finish();
        var (status, entries, reader) = RdbFileBuilder.ReadAll(file);
        Assert.Equal(RdbReadStatus.UnsupportedType, status);
        Assert.Single(entries);
        Assert.Contains(name, reader.Error, StringComparison.Ordinal);
        Assert.Equal(9 + 1 + 3 + 2, reader.ErrorOffset); // header, type, "ok", "1": the offending byte
        Assert.Equal(RdbReadStatus.UnsupportedType, reader.ReadNext(out _));
    }

    [Fact]
    public void FunctionLibraries_AreReadBesideTheKeys()
    {
        var file = new RdbFileBuilder(10).Raw(RdbFormat.OpFunction2).Str("#!lua name=a\ncode").Raw(RdbFormat.TypeString).Str("k").Str("v")
            .Raw(RdbFormat.OpFunction2).Str("#!lua name=b\nmore").Finish();
        var (status, entries, reader) = RdbFileBuilder.ReadAll(file);
        Assert.Equal(RdbReadStatus.End, status);
        Assert.Single(entries);
        Assert.Equal(["#!lua name=a\ncode", "#!lua name=b\nmore"], reader.Functions.Select(f => System.Text.Encoding.ASCII.GetString(f)));
        var truncated = new RdbFileBuilder(10).Raw(RdbFormat.OpFunction2).Len(100).Raw((byte)'x').Finish();
        Assert.NotEqual(RdbReadStatus.End, RdbFileBuilder.ReadAll(truncated).Status);
    }

    [Fact]
    public void EmptyAggregates_AreSkippedAsRedisDoes()
    {
        var file = new RdbFileBuilder(10).Raw(RdbFormat.TypeSet).Str("empty").Len(0).Raw(RdbFormat.TypeString).Str("k").Str("v").Finish();
        var (status, entries, _) = RdbFileBuilder.ReadAll(file);
        Assert.Equal(RdbReadStatus.End, status);
        Assert.Equal("k"u8.ToArray(), Assert.Single(entries).Key);
    }

    [Fact]
    public void Header_BadMagicAndVersion()
    {
        Assert.Equal(RdbReadStatus.BadMagic, RdbFileBuilder.ReadAll("RADIS0010"u8.ToArray()).Status);
        Assert.Equal(RdbReadStatus.BadVersion, RdbFileBuilder.ReadAll("REDIS0012\xff"u8.ToArray()).Status);
        Assert.Equal(RdbReadStatus.BadVersion, RdbFileBuilder.ReadAll("REDIS00a0"u8.ToArray()).Status);
        Assert.Equal(RdbReadStatus.Truncated, RdbFileBuilder.ReadAll("REDIS"u8.ToArray()).Status);
    }

    [Fact]
    public void DuplicatesAndNaN_AreCorrupt()
    {
        var dupSet = new RdbFileBuilder(10).Raw(RdbFormat.TypeSet).Str("s").Len(2).Str("a").Str("a").Finish();
        Assert.Equal(RdbReadStatus.Corrupt, RdbFileBuilder.ReadAll(dupSet).Status);
        var dupHash = new RdbFileBuilder(10).Raw(RdbFormat.TypeHashZiplist).Str("h").Str(RdbFileBuilder.Ziplist("f", "1", "f", "2")).Finish();
        Assert.Equal(RdbReadStatus.Corrupt, RdbFileBuilder.ReadAll(dupHash).Status);
        var nan = new RdbFileBuilder(10).Raw(RdbFormat.TypeZset).Str("z").Len(1).Str("m").Raw(253).Finish();
        Assert.Equal(RdbReadStatus.Corrupt, RdbFileBuilder.ReadAll(nan).Status);
    }

    [Fact]
    public void ExpiryAtTheEpoch_StaysAnExpiry()
    {
        var file = new RdbFileBuilder(10).Raw(RdbFormat.OpExpireTimeMs, 0, 0, 0, 0, 0, 0, 0, 0).Raw(RdbFormat.TypeString).Str("k").Str("v").Finish();
        Assert.Equal(1, RdbFileBuilder.ReadAll(file).Entries.Single().ExpireAtMs);
    }

    [Fact]
    public void StreamThatFails_IsAnIoError()
    {
        var (status, _, reader) = RdbFileBuilder.ReadAll(new FailingStream());
        Assert.Equal(RdbReadStatus.IoError, status);
        Assert.Contains("disk on fire", reader.Error, StringComparison.Ordinal);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk on fire");
    }

    [Fact]
    public void Writer_RejectsEmptyAggregates_AsABug()
    {
        var w = new RdbWriter(new MemoryStream());
        w.WriteHeader([]);
        Assert.Throws<ArgumentException>(() => w.WriteEntry("k"u8, List()));
        Assert.Throws<ArgumentException>(() => RdbPayload.Encode(Set(RdbEncodingHint.Compact)));
    }

    [Fact]
    public void CompactSetWithNonIntegers_FallsBackToATable()
    {
        Assert.Equal(RdbFormat.TypeSet, RdbPayload.Encode(Set(RdbEncodingHint.Compact, "1", "x"))[0]);
        Assert.Equal(RdbFormat.TypeSetIntset, RdbPayload.Encode(Set(RdbEncodingHint.Compact, "1", "2"))[0]);
    }
}
