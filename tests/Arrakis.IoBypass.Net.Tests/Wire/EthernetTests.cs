using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class EthernetTests
{
    private static readonly EthernetAddress Client = new(0x02, 0, 0, 0, 0, 0x01);

    [Fact]
    public void TryParse_ArpRequestFrame_ReadsBroadcastDestinationSourceAndType()
    {
        var bytes = KnownPackets.ArpRequestFrame;
        Assert.Equal(WireStatus.Ok, EthernetFrame.TryNew(bytes, out var frame));
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(frame, out var repr));
        Assert.Equal(new EthernetRepr(EthernetAddress.Broadcast, Client, EtherType.Arp), repr);
        Assert.Equal(60 - 14, frame.Payload.Length);
    }

    [Fact]
    public void EmitThenTryParse_RoundTrips()
    {
        var repr = new EthernetRepr(new EthernetAddress(0x0123_4567_89AB), Client, EtherType.Ipv4);
        var buffer = new byte[repr.BufferLength + 4];
        buffer.AsSpan(14).Fill(0xEE);
        repr.Emit(buffer);
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(buffer, out var parsed));
        Assert.Equal(repr, parsed);
        Assert.Equal([0xEE, 0xEE, 0xEE, 0xEE], buffer[14..]);
    }

    [Fact]
    public void TryParse_LengthFieldBelow0x0600_IsUnsupported()
    {
        var bytes = KnownPackets.ArpRequestFrame;
        bytes[12] = 0x05;
        bytes[13] = 0xFF;
        Assert.Equal(WireStatus.Unsupported, EthernetRepr.TryParse(bytes, out _));
    }

    [Fact]
    public void TryParse_UnknownEtherType_IsReportedAsIs()
    {
        var bytes = KnownPackets.ArpRequestFrame;
        bytes[12] = 0x88;
        bytes[13] = 0xCC; // LLDP
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(bytes, out var repr));
        Assert.Equal(0x88CC, (int)repr.EtherType);
    }

    [Fact]
    public void TryNew_ShorterThanHeader_IsTruncated()
    {
        Assert.Equal(WireStatus.Truncated, EthernetFrame.TryNew(new byte[13], out _));
        Assert.Equal(WireStatus.Ok, EthernetFrame.TryNew(new byte[14], out var frame));
        Assert.True(frame.Payload.IsEmpty);
    }

    [Fact]
    public void EthernetAddress_Flags_FollowTheGroupBit()
    {
        Assert.True(EthernetAddress.Broadcast.IsBroadcast);
        Assert.True(EthernetAddress.Broadcast.IsMulticast);
        Assert.True(new EthernetAddress(0x01, 0x00, 0x5e, 0, 0, 1).IsMulticast);
        Assert.True(Client.IsUnicast);
        Assert.False(Client.IsBroadcast);
    }

    [Fact]
    public void EthernetAddress_ToString_IsColonHex()
    {
        Assert.Equal("02:00:00:00:00:01", Client.ToString());
        Assert.Equal("ff:ff:ff:ff:ff:ff", EthernetAddress.Broadcast.ToString());
    }

    [Fact]
    public void EthernetAddress_TryRead_ShortSpanIsFalse()
    {
        Assert.False(EthernetAddress.TryRead(new byte[5], out _));
        Assert.True(EthernetAddress.TryRead([2, 0, 0, 0, 0, 1, 9], out var address));
        Assert.Equal(Client, address);
    }
}
