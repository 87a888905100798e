using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class TcpTests
{
    private static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    private static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);

    private static byte[] Syn => KnownPackets.TcpSynFrame[34..];

    private static readonly TcpRepr LinuxSyn = new()
    {
        SourcePort = 54321,
        DestinationPort = 6379,
        SequenceNumber = 0x12345678,
        Flags = TcpFlags.Syn,
        Window = 64240,
        Options = new TcpOptions
        {
            MaxSegmentSize = 1460,
            SackPermitted = true,
            Timestamp = new TcpTimestamp(123456, 0),
            WindowScale = 7,
        },
    };

    [Fact]
    public void TryParse_LinuxSyn_ReadsHeaderAndAllFourOptions()
    {
        var bytes = Syn;
        Assert.Equal(WireStatus.Ok, TcpSegment.TryNew(bytes, out var segment));
        Assert.Equal(40, segment.HeaderLength);
        Assert.Equal(0x0102, segment.Checksum);
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(segment, ClientIp, ServerIp, out var repr));
        Assert.Equal(LinuxSyn, repr);
    }

    [Fact]
    public void Emit_LinuxSyn_ProducesLinuxsBytesAndChecksum()
    {
        var buffer = new byte[LinuxSyn.BufferLength];
        LinuxSyn.Emit(buffer, ClientIp, ServerIp, []);
        Assert.Equal(Syn, buffer);
    }

    [Fact]
    public void Checksum_KnownSyn_MatchesSlowOracleOverThePseudoHeader()
    {
        var bytes = Syn;
        ushort wire = (ushort)(bytes[16] << 8 | bytes[17]);
        bytes[16] = bytes[17] = 0;
        Assert.Equal(SlowChecksum.Compute(SlowChecksum.PseudoHeader(KnownPackets.Client, KnownPackets.Server, bytes.Length), bytes), wire);
    }

    [Fact]
    public void TryParse_KnownSynFromTheWrongAddresses_IsBadChecksum()
    {
        // RFC 9293 §3.1: the pseudo-header protects against misrouted segments (a sum cannot see the
        // two addresses swapped, only changed).
        Assert.Equal(WireStatus.BadChecksum, TcpRepr.TryParse(Syn, ClientIp, new Ipv4Address(10, 0, 0, 3), out _));
    }

    [Fact]
    public void TryParse_DataSegmentWithOddLength_ReadsTimestampsAndPayload()
    {
        var bytes = KnownPackets.TcpDataSegment;
        Assert.Equal(WireStatus.Ok, TcpSegment.TryNew(bytes, out var segment));
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(segment, ClientIp, ServerIp, out var repr));
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, repr.Flags);
        Assert.Equal(0x9abcdef1u, repr.AcknowledgmentNumber);
        Assert.Equal(new TcpTimestamp(123457, 123456), repr.Options.Timestamp);
        Assert.Equal(9, repr.PayloadLength);
        Assert.Equal("$3\r\nfoo\r\n"u8.ToArray(), segment.Payload.ToArray());
        ushort wire = segment.Checksum;
        bytes[16] = bytes[17] = 0;
        Assert.Equal(SlowChecksum.Compute(SlowChecksum.PseudoHeader(KnownPackets.Client, KnownPackets.Server, bytes.Length), bytes), wire);
    }

    [Fact]
    public void Emit_DataSegment_ProducesTheKnownBytes()
    {
        var repr = new TcpRepr
        {
            SourcePort = 54321,
            DestinationPort = 6379,
            SequenceNumber = 0x12345679,
            AcknowledgmentNumber = 0x9abcdef1,
            Flags = TcpFlags.Psh | TcpFlags.Ack,
            Window = 502,
            Options = new TcpOptions { Timestamp = new TcpTimestamp(123457, 123456) },
            PayloadLength = 9,
        };
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer, ClientIp, ServerIp, "$3\r\nfoo\r\n"u8);
        Assert.Equal(KnownPackets.TcpDataSegment, buffer);
    }

    [Fact]
    public void EmitThenTryParse_EveryFieldAndOption_RoundTrips()
    {
        var repr = new TcpRepr
        {
            SourcePort = 1,
            DestinationPort = 65535,
            SequenceNumber = uint.MaxValue,
            AcknowledgmentNumber = 0x80000000,
            Flags = TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Fin | TcpFlags.Ece | TcpFlags.Cwr,
            Window = 0,
            UrgentPointer = 3,
            Options = new TcpOptions
            {
                SackBlocks = TcpSackBlocks.Of(new(1, 2), new(0xFFFFFFF0, 0x10), new(100, 200)),
                Timestamp = new TcpTimestamp(uint.MaxValue, 1),
            },
            PayloadLength = 5,
        };
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer, ServerIp, ClientIp, "hello"u8);
        Assert.Equal(60, repr.HeaderLength);
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(buffer, ServerIp, ClientIp, out var parsed));
        Assert.Equal(repr, parsed);
    }

    [Fact]
    public void EmitThenTryParse_NoOptions_IsTwentyBytesAndRoundTrips()
    {
        var repr = new TcpRepr { SourcePort = 6379, DestinationPort = 40000, SequenceNumber = 7, Flags = TcpFlags.Rst };
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer, ServerIp, ClientIp, []);
        Assert.Equal(20, buffer.Length);
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(buffer, ServerIp, ClientIp, out var parsed));
        Assert.Equal(repr, parsed);
        Assert.True(parsed.Options.IsEmpty);
    }

    [Fact]
    public void TryParse_PortZero_IsBadField()
    {
        var repr = new TcpRepr { SourcePort = 0, DestinationPort = 6379, Flags = TcpFlags.Syn };
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer, ClientIp, ServerIp, []);
        Assert.Equal(WireStatus.BadField, TcpRepr.TryParse(buffer, ClientIp, ServerIp, out _));
    }

    [Fact]
    public void TryNew_DataOffsetBelowFive_IsBadLength()
    {
        var bytes = Syn;
        bytes[12] = 0x40;
        Assert.Equal(WireStatus.BadLength, TcpSegment.TryNew(bytes, out _));
    }

    [Fact]
    public void TryNew_DataOffsetPastTheSegment_IsTruncated()
    {
        var bytes = Syn;
        bytes[12] = 0xF0;
        Assert.Equal(WireStatus.Truncated, TcpSegment.TryNew(bytes, out _));
    }

    [Fact]
    public void TryParse_ReservedBitsSet_AreIgnored()
    {
        var bytes = Syn;
        var segment = TcpSegment.NewUnchecked(bytes);
        bytes[12] |= 0x0F;
        segment.FillChecksum(ClientIp, ServerIp);
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(bytes, ClientIp, ServerIp, out var repr));
        Assert.Equal(LinuxSyn, repr);
    }

    [Fact]
    public void Emit_PayloadLengthDifferentFromRepr_Throws()
    {
        var repr = new TcpRepr { SourcePort = 1, DestinationPort = 2, PayloadLength = 3 };
        Assert.Throws<ArgumentException>(() => repr.Emit(new byte[40], ClientIp, ServerIp, "ab"u8));
    }
}
