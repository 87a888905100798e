using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class IcmpV4Tests
{
    private static byte[] EchoRequest => KnownPackets.IcmpEchoRequestFrame[34..];

    [Fact]
    public void TryParse_KnownEchoRequest_ReadsIdSequenceAndData()
    {
        var bytes = EchoRequest;
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryNew(bytes, out var packet));
        Assert.Equal(WireStatus.Ok, IcmpV4Repr.TryParse(packet, out var repr));
        Assert.Equal(new IcmpV4Repr(IcmpV4EchoKind.EchoRequest, 0x1234, 1, 48), repr);
        Assert.Equal(0x8b76, packet.Checksum);
        Assert.Equal(0x10, packet.Data[8]);
    }

    [Fact]
    public void KnownEchoRequestFrame_IpHeaderParsesAndCarriesTheMessage()
    {
        var frame = KnownPackets.IcmpEchoRequestFrame;
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryNew(frame.AsSpan(14), out var ip));
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(ip, out var repr));
        Assert.Equal(IpProtocol.Icmp, repr.Protocol);
        Assert.Equal(56, repr.PayloadLength);
    }

    [Fact]
    public void Emit_ReplyInTheRequestsBuffer_OnlyTypeAndChecksumChange()
    {
        var bytes = EchoRequest;
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryNew(bytes, out var request));
        Assert.Equal(WireStatus.Ok, IcmpV4Repr.TryParse(request, out var repr));
        var reply = repr with { Kind = IcmpV4EchoKind.EchoReply };
        reply.Emit(bytes, request.Data);
        var expected = EchoRequest;
        expected[0] = 0;
        expected[2] = expected[3] = 0;
        ushort checksum = SlowChecksum.Compute(expected);
        expected[2] = (byte)(checksum >> 8);
        expected[3] = (byte)checksum;
        Assert.Equal(expected, bytes);
        Assert.Equal(0x9376, checksum); // RFC 1624: type 8 -> 0 raises the checksum by 0x0800
    }

    [Fact]
    public void EmitThenTryParse_OddDataLength_RoundTrips()
    {
        var data = new byte[] { 1, 2, 3, 4, 5, 6, 7 };
        var repr = new IcmpV4Repr(IcmpV4EchoKind.EchoRequest, 0xFFFF, 0x8000, data.Length);
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer, data);
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryNew(buffer, out var packet));
        Assert.Equal(WireStatus.Ok, IcmpV4Repr.TryParse(packet, out var parsed));
        Assert.Equal(repr, parsed);
        Assert.Equal(data, packet.Data.ToArray());
    }

    [Fact]
    public void TryParse_CorruptedData_IsBadChecksum()
    {
        var bytes = EchoRequest;
        bytes[^1] ^= 0x40;
        Assert.Equal(WireStatus.BadChecksum, IcmpV4Repr.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData(3, 3)] // destination unreachable, port unreachable
    [InlineData(11, 0)] // time exceeded
    [InlineData(8, 1)] // echo with a non-zero code
    public void TryParse_OtherTypesOrCodes_AreUnsupported(byte type, byte code)
    {
        var bytes = EchoRequest;
        var packet = IcmpV4Packet.NewUnchecked(bytes);
        packet.Type = type;
        packet.Code = code;
        packet.FillChecksum();
        Assert.Equal(WireStatus.Unsupported, IcmpV4Repr.TryParse(bytes, out _));
    }

    [Fact]
    public void TryNew_ShorterThanEightBytes_IsTruncated()
    {
        Assert.Equal(WireStatus.Truncated, IcmpV4Packet.TryNew(new byte[7], out _));
    }
}
