using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

public sealed class TruncationTests
{
    private static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    private static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);

    public static TheoryData<string> Frames() => ["arp", "syn", "icmp"];

    private static byte[] FrameNamed(string name) => name switch
    {
        "arp" => KnownPackets.ArpRequestFrame[..42], // without the Ethernet padding: every byte is meaningful
        "syn" => KnownPackets.TcpSynFrame,
        _ => KnownPackets.IcmpEchoRequestFrame,
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Frame_Whole_ParsesOkToTheInnermostLayer(string name)
    {
        var result = Dissector.Frame(FrameNamed(name));
        Assert.Equal(WireStatus.Ok, result.Status);
        Assert.Equal(name == "syn" ? "tcp" : name, result.Layer);
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Frame_EveryTruncation_IsRejectedWithoutThrowing(string name)
    {
        var whole = FrameNamed(name);
        for (int length = 0; length < whole.Length; length++)
        {
            var cut = whole[..length];
            var result = Dissector.Frame(cut);
            Assert.True(result.Status != WireStatus.Ok, $"{name} cut at {length} parsed Ok at {result.Layer}");
            Dissector.EveryParser(cut, ClientIp, ServerIp);
        }
    }

    [Fact]
    public void Arp_EveryTruncation_IsTruncated()
    {
        var arp = KnownPackets.ArpRequestFrame[14..42];
        for (int length = 0; length < arp.Length; length++)
            Assert.Equal(WireStatus.Truncated, ArpRepr.TryParse(arp[..length], out _));
    }

    [Fact]
    public void Ipv4_EveryTruncation_IsTruncated()
    {
        var ip = KnownPackets.TcpSynFrame[14..];
        for (int length = 0; length < ip.Length; length++)
            Assert.Equal(WireStatus.Truncated, Ipv4Repr.TryParse(ip[..length], out _));
    }

    [Fact]
    public void Tcp_EveryTruncationOfTheSyn_IsTruncated()
    {
        var syn = KnownPackets.TcpSynFrame[34..];
        for (int length = 0; length < syn.Length; length++)
            Assert.Equal(WireStatus.Truncated, TcpRepr.TryParse(syn[..length], ClientIp, ServerIp, out _));
    }

    [Fact]
    public void Tcp_EveryTruncationOfADataSegment_IsTruncatedOrBadChecksum()
    {
        // TCP has no length field of its own: data cut short shows as a checksum failure (RFC 9293 §3.1).
        var segment = KnownPackets.TcpDataSegment;
        for (int length = 0; length < segment.Length; length++)
        {
            var expected = length < 32 ? WireStatus.Truncated : WireStatus.BadChecksum;
            Assert.Equal(expected, TcpRepr.TryParse(segment[..length], ClientIp, ServerIp, out _));
        }
    }

    [Fact]
    public void Icmp_EveryTruncation_IsTruncatedOrBadChecksum()
    {
        var message = KnownPackets.IcmpEchoRequestFrame[34..];
        for (int length = 0; length < message.Length; length++)
        {
            var expected = length < 8 ? WireStatus.Truncated : WireStatus.BadChecksum;
            Assert.Equal(expected, IcmpV4Repr.TryParse(message[..length], out _));
        }
    }

    [Fact]
    public void Ethernet_EveryTruncationOfTheHeader_IsTruncated()
    {
        var frame = KnownPackets.TcpSynFrame;
        for (int length = 0; length < 14; length++)
            Assert.Equal(WireStatus.Truncated, EthernetRepr.TryParse(frame[..length], out _));
    }
}
