using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class Ipv4Tests
{
    private static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    private static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);

    private static byte[] SynPacket => KnownPackets.TcpSynFrame[14..];

    [Fact]
    public void TryParse_KnownSyn_ReadsEveryField()
    {
        var bytes = SynPacket;
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryNew(bytes, out var packet));
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(packet, out var repr));
        Assert.Equal(new Ipv4Repr
        {
            Source = ClientIp,
            Destination = ServerIp,
            Protocol = IpProtocol.Tcp,
            PayloadLength = 40,
            TimeToLive = 64,
            Identification = 0x1c46,
            DontFragment = true,
        }, repr);
        Assert.Equal(0x0a74, packet.HeaderChecksum);
        Assert.Equal(40, packet.Payload.Length);
        Assert.False(packet.IsFragment);
    }

    [Fact]
    public void Emit_KnownSynHeader_ProducesTheKnownBytesAndChecksum()
    {
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(SynPacket, out var repr));
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer);
        Assert.Equal(SynPacket[..20], buffer[..20]);
        Assert.Equal(SlowChecksum.Compute([.. buffer[..10], 0, 0, .. buffer[12..20]]), (ushort)(buffer[10] << 8 | buffer[11]));
    }

    [Fact]
    public void EmitThenTryParse_EveryField_RoundTrips()
    {
        var repr = new Ipv4Repr
        {
            Source = new Ipv4Address(198, 18, 0, 1),
            Destination = new Ipv4Address(198, 19, 255, 254),
            Protocol = IpProtocol.Icmp,
            PayloadLength = 1480,
            TimeToLive = 1,
            Identification = 0xFFFF,
            MoreFragments = true,
            FragmentOffset = 8 * 0x1FFF,
            Dscp = 46,
            Ecn = 3,
        };
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer);
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(buffer, out var parsed));
        Assert.Equal(repr, parsed);
        Assert.True(parsed.IsFragment);
    }

    [Fact]
    public void TryParse_TextbookHeader_VerifiesChecksumB861()
    {
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(KnownPackets.TextbookIpv4Packet, out var repr));
        Assert.Equal(IpProtocol.Udp, repr.Protocol);
        Assert.Equal(new Ipv4Address(192, 168, 0, 199), repr.Destination);
        Assert.Equal(95, repr.PayloadLength);
    }

    [Fact]
    public void TryParse_AnyFlippedHeaderBit_IsBadChecksumOrRejectedEarlier()
    {
        for (int bit = 0; bit < 160; bit++)
        {
            var bytes = SynPacket;
            bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            Assert.NotEqual(WireStatus.Ok, Ipv4Repr.TryParse(bytes, out _));
        }
    }

    [Theory]
    [InlineData(0x65)]
    [InlineData(0x60)] // an IPv6 header: its low nibble is not an IHL
    [InlineData(0x05)]
    public void TryParse_VersionOtherThan4_IsBadVersion(byte first)
    {
        var bytes = SynPacket;
        bytes[0] = first;
        Assert.Equal(WireStatus.BadVersion, Ipv4Repr.TryParse(bytes, out _));
    }

    [Fact]
    public void TryNew_IhlBelowFive_IsBadLength()
    {
        var bytes = SynPacket;
        bytes[0] = 0x44;
        Assert.Equal(WireStatus.BadLength, Ipv4Packet.TryNew(bytes, out _));
    }

    [Fact]
    public void TryNew_TotalLengthBelowHeader_IsBadLength()
    {
        var bytes = SynPacket;
        bytes[2] = 0;
        bytes[3] = 19;
        Assert.Equal(WireStatus.BadLength, Ipv4Packet.TryNew(bytes, out _));
    }

    [Fact]
    public void TryNew_TotalLengthPastBuffer_IsTruncated()
    {
        var bytes = SynPacket;
        bytes[3] = 61;
        Assert.Equal(WireStatus.Truncated, Ipv4Packet.TryNew(bytes, out _));
    }

    [Fact]
    public void Payload_EthernetPaddingAfterTotalLength_IsExcluded()
    {
        byte[] bytes = [.. SynPacket, 0, 0, 0, 0, 0, 0];
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryNew(bytes, out var packet));
        Assert.Equal(40, packet.Payload.Length);
    }

    [Fact]
    public void TryParse_HeaderWithOptions_SkipsThemByIhl()
    {
        // IHL 6: one 4-byte option word (NOP NOP NOP EOL), payload moves behind it.
        byte[] header = [0x46, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 1, 1, 0];
        byte[] bytes = [.. header, 0xDE, 0xAD, 0xBE, 0xEF];
        Ipv4Packet.NewUnchecked(bytes).FillChecksum();
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryNew(bytes, out var packet));
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(packet, out var repr));
        Assert.Equal(4, repr.PayloadLength);
        Assert.Equal([1, 1, 1, 0], packet.Options.ToArray());
        Assert.Equal([0xDE, 0xAD, 0xBE, 0xEF], packet.Payload.ToArray());
    }

    [Fact]
    public void FragmentFields_LastFragment_ReportsOffsetInBytes()
    {
        var bytes = SynPacket;
        var packet = Ipv4Packet.NewUnchecked(bytes);
        packet.DontFragment = false;
        packet.FragmentOffset = 1480;
        packet.FillChecksum();
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(bytes, out var repr));
        Assert.True(repr.IsFragment);
        Assert.False(repr.MoreFragments);
        Assert.Equal(1480, repr.FragmentOffset);
        Assert.Equal(0x00B9, bytes[6] << 8 | bytes[7]);
    }

    [Theory]
    [InlineData("10.0.0.1", 0x0A000001u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("0.0.0.0", 0u)]
    public void Ipv4Address_TryParse_DottedQuad(string text, uint value)
    {
        Assert.True(Ipv4Address.TryParse(text, out var address));
        Assert.Equal(value, address.Value);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.")]
    [InlineData("10..0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("10.0.0.1x")]
    [InlineData("99999999999.0.0.1")]
    public void Ipv4Address_TryParse_RejectsMalformedText(string text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
    }

    [Fact]
    public void Ipv4Address_Classes()
    {
        Assert.True(new Ipv4Address(224, 0, 0, 1).IsMulticast);
        Assert.True(Ipv4Address.Broadcast.IsBroadcast);
        Assert.True(Ipv4Address.Unspecified.IsUnspecified);
        Assert.False(ClientIp.IsMulticast);
    }
}
