using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Tests.Rdb;

/// <summary>Streams in RDB files: 6.x RDB_TYPE_STREAM_LISTPACKS read with what 7.0 derives, and malformed group data refused.</summary>
public sealed class RdbStreamTests
{
    private static byte[] Key(ulong ms, ulong seq)
    {
        var k = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(k, ms);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(k.AsSpan(8), seq);
        return k;
    }

    private static RdbFileBuilder V1Stream(RdbFileBuilder b, bool orphanConsumerId)
    {
        var lp = ListpackBuilder.Build(new[] { "2", "0", "1", "f", "0", "2", "0", "0", "a", "4", "2", "1", "0", "b", "4" }.Select(System.Text.Encoding.ASCII.GetBytes));
        b.Raw(RdbFormat.TypeStreamListpacks).Str("s").Len(1).Str(Key(7, 0)).Str(lp).Len(2).Len(8).Len(0);
        b.Len(1).Str("g").Len(7).Len(0); // group g, last delivered 7-0 (no entries read in 6.x)
        b.Len(1).Raw(Key(7, 0)).Raw(1, 0, 0, 0, 0, 0, 0, 0).Len(3);
        b.Len(1).Str("alice").Raw(2, 0, 0, 0, 0, 0, 0, 0).Len(1).Raw(orphanConsumerId ? Key(9, 9) : Key(7, 0));
        return b;
    }

    [Fact]
    public void A_6x_stream_reads_with_its_groups_and_is_marked_for_migration()
    {
        var (status, entries, reader) = RdbFileBuilder.ReadAll(V1Stream(new RdbFileBuilder(9), orphanConsumerId: false).Finish());
        Assert.True(status == RdbReadStatus.End, reader.Error);
        var s = Assert.Single(entries).Value.Stream!;
        Assert.True(s.LegacyV1);
        Assert.Equal(2UL, s.Length);
        Assert.Equal((8UL, 0UL), s.LastId);
        Assert.Equal(2UL, s.EntriesAdded);
        Assert.Equal(-1, s.Groups[0].EntriesRead);
        Assert.Equal(3UL, s.Groups[0].Pending[0].DeliveryCount);
        Assert.Equal(2, s.Groups[0].Consumers[0].SeenTime);
    }

    [Fact]
    public void A_consumer_owning_an_id_outside_the_group_pel_is_corrupt()
    {
        var (status, _, reader) = RdbFileBuilder.ReadAll(V1Stream(new RdbFileBuilder(9), orphanConsumerId: true).Finish());
        Assert.Equal(RdbReadStatus.Corrupt, status);
        Assert.Contains("consumer PEL", reader.Error, StringComparison.Ordinal);
    }
}
