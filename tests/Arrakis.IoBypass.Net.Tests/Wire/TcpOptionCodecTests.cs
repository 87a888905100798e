using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class TcpOptionCodecTests
{
    private static TcpOptions Parse(params byte[] list)
    {
        Assert.Equal(WireStatus.Ok, TcpOptionCodec.TryParse(list, out var options));
        return options;
    }

    private static WireStatus Status(params byte[] list) => TcpOptionCodec.TryParse(list, out _);

    [Fact]
    public void TryParse_EmptyList_IsNoOptions()
    {
        Assert.True(Parse().IsEmpty);
    }

    [Fact]
    public void TryParse_EndOfList_StopsTheScanEvenBeforeGarbage()
    {
        var options = Parse(2, 4, 0x05, 0xB4, 0, 0xFF, 0x01);
        Assert.Equal((ushort)1460, options.MaxSegmentSize);
    }

    [Fact]
    public void TryParse_NopsAroundOptions_AreSkipped()
    {
        var options = Parse(1, 1, 1, 3, 3, 9, 1);
        Assert.Equal((byte)9, options.WindowScale);
    }

    [Fact]
    public void TryParse_WindowScaleAbove14_IsUsedAs14()
    {
        // RFC 7323 §2.3: "MUST use 14 instead of the specified value".
        Assert.Equal((byte)14, Parse(3, 3, 200).WindowScale);
    }

    [Fact]
    public void TryParse_UnknownOption_IsSkippedByItsLength()
    {
        // Kind 30 (MPTCP) length 6, then MSS: RFC 9293 §3.2 MUST-6.
        var options = Parse(30, 6, 0xAA, 0xBB, 0xCC, 0xDD, 2, 4, 0x02, 0x18);
        Assert.Equal((ushort)536, options.MaxSegmentSize);
    }

    [Fact]
    public void TryParse_FourSackBlocks_ReadsAllOfThem()
    {
        var list = new List<byte> { 5, 34 };
        for (uint b = 1; b <= 4; b++)
        {
            list.AddRange([0, 0, 0, (byte)(b * 10)]);
            list.AddRange([0, 0, 0, (byte)(b * 10 + 5)]);
        }
        var options = Parse([.. list]);
        Assert.Equal(4, options.SackBlocks.Count);
        Assert.Equal(new TcpSackBlock(40, 45), options.SackBlocks[3]);
    }

    [Theory]
    [InlineData(new byte[] { 2 }, "a kind without its length byte")]
    [InlineData(new byte[] { 30, 0 }, "length 0")]
    [InlineData(new byte[] { 30, 1 }, "length 1")]
    [InlineData(new byte[] { 30, 5, 0, 0 }, "length past the end")]
    [InlineData(new byte[] { 2, 3, 5 }, "MSS of length 3")]
    [InlineData(new byte[] { 2, 5, 5, 0xB4, 0 }, "MSS of length 5")]
    [InlineData(new byte[] { 3, 4, 7, 0 }, "window scale of length 4")]
    [InlineData(new byte[] { 4, 3, 0 }, "SACK-permitted of length 3")]
    [InlineData(new byte[] { 5, 2 }, "SACK without blocks")]
    [InlineData(new byte[] { 5, 9, 0, 0, 0, 1, 0, 0, 0 }, "SACK with 7 bytes of blocks")]
    [InlineData(new byte[] { 8, 9, 0, 0, 0, 1, 0, 0, 0 }, "timestamps of length 9")]
    [InlineData(new byte[] { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0 }, "timestamps cut short")]
    public void TryParse_IllegalLength_IsBadOption(byte[] list, string what)
    {
        Assert.True(WireStatus.BadOption == Status(list), what);
    }

    [Fact]
    public void TryParse_FiveSackBlocks_IsBadOption()
    {
        var list = new byte[2 + 5 * 8];
        list[0] = 5;
        list[1] = (byte)list.Length;
        Assert.Equal(WireStatus.BadOption, Status(list));
    }

    [Fact]
    public void Emit_LinuxSynOptions_UseLinuxsLayout()
    {
        var options = new TcpOptions { MaxSegmentSize = 1460, SackPermitted = true, Timestamp = new(123456, 0), WindowScale = 7 };
        var buffer = new byte[TcpOptionCodec.Length(options)];
        Assert.Equal(20, TcpOptionCodec.Emit(options, buffer));
        Assert.Equal(Convert.FromHexString("020405b40402080a0001e2400000000001030307"), buffer);
    }

    [Fact]
    public void Emit_SackPermittedWithoutTimestamps_IsPaddedWithNops()
    {
        var options = new TcpOptions { SackPermitted = true };
        var buffer = new byte[TcpOptionCodec.Length(options)];
        TcpOptionCodec.Emit(options, buffer);
        Assert.Equal([1, 1, 4, 2], buffer);
        Assert.Equal(options, Parse(buffer));
    }

    [Fact]
    public void Length_FourSackBlocksWithTimestamps_DropsTheOneThatDoesNotFit()
    {
        // RFC 2018 §3: with the timestamps option at most 3 blocks fit in 40 bytes.
        var blocks = TcpSackBlocks.Of(new(1, 2), new(3, 4), new(5, 6), new(7, 8));
        var options = new TcpOptions { Timestamp = new(1, 2), SackBlocks = blocks };
        Assert.Equal(3, TcpOptionCodec.SackBlocksThatFit(options));
        Assert.Equal(40, TcpOptionCodec.Length(options));
        var buffer = new byte[40];
        TcpOptionCodec.Emit(options, buffer);
        Assert.Equal(options with { SackBlocks = blocks.Take(3) }, Parse(buffer));
    }

    [Fact]
    public void EmitThenTryParse_EveryCombination_RoundTripsWithin40Bytes()
    {
        var blocks = TcpSackBlocks.Of(new(10, 20), new(30, 40), new(50, 60), new(70, 80));
        for (int mask = 0; mask < 32; mask++)
        {
            for (int count = 0; count <= 4; count++)
            {
                var options = new TcpOptions
                {
                    MaxSegmentSize = (mask & 1) != 0 ? (ushort)9000 : null,
                    WindowScale = (mask & 2) != 0 ? (byte)14 : null,
                    SackPermitted = (mask & 4) != 0,
                    Timestamp = (mask & 8) != 0 ? new TcpTimestamp(5, 6) : null,
                    SackBlocks = (mask & 16) != 0 ? blocks.Take(count) : default,
                };
                int length = TcpOptionCodec.Length(options);
                Assert.True(length <= 40 && length % 4 == 0, $"mask {mask}: {length} bytes");
                var buffer = new byte[length];
                Assert.Equal(length, TcpOptionCodec.Emit(options, buffer));
                var expected = options with { SackBlocks = options.SackBlocks.Take(TcpOptionCodec.SackBlocksThatFit(options)) };
                Assert.Equal(expected, Parse(buffer));
            }
        }
    }

    [Fact]
    public void SackBlocks_AddPastCapacity_KeepsTheFirstFour()
    {
        var blocks = default(TcpSackBlocks);
        for (uint i = 0; i < 6; i++) blocks = blocks.Add(new(i, i + 1));
        Assert.Equal(4, blocks.Count);
        Assert.Equal(new TcpSackBlock(3, 4), blocks[3]);
        Assert.Equal(TcpSackBlocks.Of(new(0, 1), new(1, 2), new(2, 3), new(3, 4)), blocks);
        Assert.Throws<ArgumentOutOfRangeException>(() => blocks[4]);
    }
}
