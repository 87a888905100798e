using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class ArpTests
{
    private static readonly EthernetAddress ClientMac = new(0x02, 0, 0, 0, 0, 0x01);
    private static readonly EthernetAddress ServerMac = new(0x02, 0, 0, 0, 0, 0x02);
    private static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    private static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);

    private static byte[] ArpRequest => KnownPackets.ArpRequestFrame[14..];

    [Fact]
    public void TryParse_KnownRequest_ReadsWhoHasTell()
    {
        Assert.Equal(WireStatus.Ok, ArpRepr.TryParse(ArpRequest, out var repr));
        Assert.Equal(new ArpRepr(ArpOperation.Request, ClientMac, ClientIp, default, ServerIp), repr);
    }

    [Fact]
    public void Emit_Request_ProducesTheKnownBytes()
    {
        var repr = new ArpRepr(ArpOperation.Request, ClientMac, ClientIp, default, ServerIp);
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer);
        Assert.Equal(ArpRequest[..28], buffer);
    }

    [Fact]
    public void EmitThenTryParse_Reply_RoundTrips()
    {
        var repr = new ArpRepr(ArpOperation.Reply, ServerMac, ServerIp, ClientMac, ClientIp);
        var buffer = new byte[repr.BufferLength];
        repr.Emit(buffer);
        Assert.Equal(WireStatus.Ok, ArpRepr.TryParse(buffer, out var parsed));
        Assert.Equal(repr, parsed);
        Assert.Equal(28, ArpRepr.PacketLength);
    }

    [Theory]
    [InlineData(1, 0x00, "hardware type 0")]
    [InlineData(1, 0x06, "hardware type 6 (IEEE 802)")]
    [InlineData(3, 0xDD, "protocol type 0x08dd")]
    [InlineData(4, 0x08, "hardware length 8")]
    [InlineData(5, 0x06, "protocol length 6")]
    [InlineData(7, 0x03, "opcode 3 (RARP request)")]
    [InlineData(7, 0x00, "opcode 0")]
    public void TryParse_AnythingButEthernetIpv4RequestOrReply_IsUnsupported(int offset, byte value, string what)
    {
        var bytes = ArpRequest;
        bytes[offset] = value;
        Assert.True(WireStatus.Unsupported == ArpRepr.TryParse(bytes, out _), what);
    }

    [Fact]
    public void TryNew_DeclaredAddressesPastTheBuffer_AreTruncated()
    {
        var bytes = ArpRequest[..28];
        bytes[4] = 255; // 8 + 2 * (255 + 4) bytes declared
        Assert.Equal(WireStatus.Truncated, ArpPacket.TryNew(bytes, out _));
    }

    [Fact]
    public void View_OtherAddressLengths_SliceRawBytesWithoutThrowing()
    {
        byte[] bytes = [0, 1, 0x08, 0x00, 1, 2, 0, 1, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF];
        Assert.Equal(WireStatus.Ok, ArpPacket.TryNew(bytes, out var packet));
        Assert.Equal([0xA], packet.SenderHardwareAddress.ToArray());
        Assert.Equal([0xB, 0xC], packet.SenderProtocolAddress.ToArray());
        Assert.Equal([0xD], packet.TargetHardwareAddress.ToArray());
        Assert.Equal([0xE, 0xF], packet.TargetProtocolAddress.ToArray());
        Assert.Equal(WireStatus.Unsupported, ArpRepr.TryParse(packet, out _));
    }
}
