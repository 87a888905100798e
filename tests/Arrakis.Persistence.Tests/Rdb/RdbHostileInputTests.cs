using Arrakis.Fuzz.Targets;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;
using Arrakis.Persistence.Tests.Rdb.Differential;
using static Arrakis.Persistence.Tests.Rdb.RdbTestValues;

namespace Arrakis.Persistence.Tests.Rdb;

public sealed class RdbHostileInputTests
{
    /// <summary>A small file with every type and encoding (quicklist, intset, listpacks, tables, LZF, expiry).</summary>
    private static byte[] SmallFile(bool compress = true)
    {
        var ms = new MemoryStream();
        var w = new RdbWriter(ms, compress);
        w.WriteHeader();
        w.SelectDb(0, 9, 1);
        w.WriteEntry("s"u8, Str(new string('z', 40) + "tail"), 1_900_000_000_000);
        w.WriteEntry("i"u8, Str("-70000"));
        w.WriteEntry("l"u8, List("a", "12", new string('b', 70)));
        w.WriteEntry("is"u8, Set(RdbEncodingHint.Compact, "3", "1", "70000"));
        w.WriteEntry("ts"u8, Set(RdbEncodingHint.Table, "x", "y"));
        w.WriteEntry("lh"u8, Hash(RdbEncodingHint.Compact, ("f", "v")));
        w.WriteEntry("th"u8, Hash(RdbEncodingHint.Table, ("f", "v"), ("g", "w")));
        w.WriteEntry("lz"u8, Zset(RdbEncodingHint.Compact, ("a", 1.5), ("b", 2)));
        w.WriteEntry("st"u8, Stream());
        w.SelectDb(2, 1, 0);
        w.WriteEntry("tz"u8, Zset(RdbEncodingHint.Table, ("a", -1), ("b", double.PositiveInfinity)));
        w.Finish();
        return ms.ToArray();
    }

    [Fact]
    public void SmallFile_RoundTrips_AlsoThroughAOneByteTrickle()
    {
        var file = SmallFile();
        var (status, entries, reader) = RdbFileBuilder.ReadAll(new TrickleStream(file, 1));
        Assert.True(status == RdbReadStatus.End, reader.Error);
        Assert.Equal(10, entries.Count);
        var st = entries.Single(e => e.Key.AsSpan().SequenceEqual("st"u8)).Value.Stream!;
        Assert.Equal("alice", System.Text.Encoding.ASCII.GetString(st.Groups[0].Consumers[0].Name));
        Assert.Equal(1_800_000_000_000, st.Groups[0].Pending[0].DeliveryTime);
        Assert.Equal(1_900_000_000_000, entries[0].ExpireAtMs);
        Assert.Equal(2, entries[^1].Db);
        Assert.Equal(["redis-ver", "redis-bits", "ctime", "used-mem", "aof-base"], reader.Aux.Select(a => a.Key));
    }

    [Fact]
    public void TruncatedAtEveryByte_IsTruncatedWithAnOffset()
    {
        var file = SmallFile();
        for (int cut = 0; cut < file.Length; cut++)
        {
            var (status, _, reader) = RdbFileBuilder.ReadAll(file.AsSpan(0, cut).ToArray());
            Assert.True(status == RdbReadStatus.Truncated, $"cut {cut}: {status} {reader.Error}");
            Assert.InRange(reader.ErrorOffset, 0, cut);
            Assert.Contains("offset", reader.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryFlippedByte_IsDetected_NeverThrows()
    {
        foreach (bool compress in new[] { true, false })
        {
            var file = SmallFile(compress);
            for (int i = 0; i < file.Length; i++)
            {
                foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
                {
                    var bad = (byte[])file.Clone();
                    bad[i] ^= mask;
                    var (status, _, _) = RdbFileBuilder.ReadAll(bad);
                    Assert.True(status != RdbReadStatus.End && status != RdbReadStatus.Ok, $"byte {i} ^ {mask}: {status}");
                }
            }
        }
    }

    [Fact]
    public void RandomMutations_WithoutChecksum_NeverThrow()
    {
        var rng = new Random(42);
        var file = SmallFile();
        for (int round = 0; round < 20000; round++)
        {
            var bad = (byte[])file.Clone();
            bad.AsSpan(bad.Length - 8).Clear(); // checksum 0: "not computed", so the parser sees the damage
            int flips = rng.Next(1, 6);
            for (int k = 0; k < flips; k++) bad[rng.Next(9, bad.Length - 9)] = (byte)rng.Next(256);
            var (status, _, reader) = RdbFileBuilder.ReadAll(bad);
            if (status != RdbReadStatus.End) Assert.NotNull(reader.Error);
        }
    }

    [Fact]
    public void RandomPayloadMutations_NeverThrow()
    {
        var rng = new Random(7);
        var entries = KeyspaceVariety.Build(0).Where(e => e.Value.Count < 200).Take(30).ToList();
        foreach (var e in entries)
        {
            var payload = RdbPayload.Encode(e.Value);
            for (int round = 0; round < 300; round++)
            {
                var body = payload.AsSpan(0, payload.Length - 10).ToArray();
                body[rng.Next(body.Length)] = (byte)rng.Next(256);
                if (rng.Next(4) == 0) body = body.AsSpan(0, rng.Next(body.Length)).ToArray();
                var status = RdbPayload.TryDecode(RdbPayloadTests.WithFooter(body), out var v, out var error);
                Assert.True(status == RdbReadStatus.Ok ? v != null : error != null);
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x81, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, RdbReadStatus.Corrupt)] // 2^63-1 byte key
    [InlineData(new byte[] { 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, RdbReadStatus.Corrupt)] // 2^64-1
    [InlineData(new byte[] { 0x80, 0xFF, 0xFF, 0xFF, 0xFF }, RdbReadStatus.Corrupt)]                         // 4 GB > 512 MB limit
    [InlineData(new byte[] { 0x80, 0x10, 0x00, 0x00, 0x00 }, RdbReadStatus.Truncated)]                       // 256 MB, few bytes present
    [InlineData(new byte[] { 0xC3, 0x02, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x41 }, RdbReadStatus.Corrupt)] // LZF claiming 2 GB from 2 bytes
    [InlineData(new byte[] { 0xC4 }, RdbReadStatus.Corrupt)]                                                  // unknown string encoding
    [InlineData(new byte[] { 0x82 }, RdbReadStatus.Corrupt)]                                                  // unknown length encoding
    public void HostileKeyLengths_AreRejectedWithoutHugeAllocations(byte[] lengthBytes, RdbReadStatus expected)
    {
        var file = new RdbFileBuilder(10).Raw(RdbFormat.TypeString).Raw(lengthBytes).Raw(0x41, 0x42, 0x43).Finish();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (status, _, reader) = RdbFileBuilder.ReadAll(new TrickleStream(file, 3)); // not seekable: no length shortcut
        Assert.Equal(expected, status);
        Assert.Contains(expected == RdbReadStatus.Corrupt ? "offset 10" : "offset", reader.Error, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "allocated more than 4 MB");
        Assert.Equal(expected, RdbFileBuilder.ReadAll(file).Status);
    }

    [Theory]
    [InlineData(RdbFormat.TypeList)]
    [InlineData(RdbFormat.TypeSet)]
    [InlineData(RdbFormat.TypeHash)]
    [InlineData(RdbFormat.TypeZset2)]
    [InlineData(RdbFormat.TypeListQuicklist2)]
    public void HostileElementCounts_EndAtTheData(byte type)
    {
        var huge = new RdbFileBuilder(10).Raw(type).Str("k").Raw(0x81, 0x40, 0, 0, 0, 0, 0, 0, 0).Finish();
        Assert.Equal(RdbReadStatus.Corrupt, RdbFileBuilder.ReadAll(huge).Status);
        var big = new RdbFileBuilder(10).Raw(type).Str("k").Raw(0x80, 0x7F, 0xFF, 0xFF, 0xFF).Str("a").Finish();
        var (status, _, reader) = RdbFileBuilder.ReadAll(big);
        Assert.True(status is RdbReadStatus.Truncated or RdbReadStatus.Corrupt, $"{status} {reader.Error}");
    }

    [Fact]
    public void BadChecksum_IsReportedAtTheTrailer()
    {
        var file = SmallFile();
        file[^1] ^= 1;
        var (status, entries, reader) = RdbFileBuilder.ReadAll(file);
        Assert.Equal(RdbReadStatus.BadChecksum, status);
        Assert.Equal(10, entries.Count);
        Assert.Equal(file.Length - 8, reader.ErrorOffset);
    }
}
